"""A whole sign-in with the shipped Argon2id parameters, and recording one case, on a school
that already holds 2,000 cases (targets: sign-in about half a second; recording well under
the 100 ms a window may wait, though it runs on the worker).

    .venv/bin/python bench/sign_in_and_record.py [CASES]

Sign-in is everything ``sign_in`` does: the key file read and checked (its signed roster),
Argon2id, unwrapping the keys, opening and checking the database, the session's audit entry.
Recording is ``record_incident`` for a nudes-sharing case with a referral (the wizard's Finish),
with its search index and, where the program signs its history, its signature and row seals.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' case helpers

SIGN_INS = 7
RECORDS = 60


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    folder = Path(tempfile.mkdtemp(prefix="esafety-bench-"))
    os.environ["HOME"] = str(folder)

    import keyring
    import keyring.backends.fail
    from bench_school import add_bulk_cases

    from esafety_desktop.services import incidents, people
    from esafety_desktop.services.access import create_school, sign_in
    from esafety_desktop.storage import keyslots
    from esafety_desktop.storage.device_secret import DeviceSecretStore
    from tests.services.test_incidents import NUDES_REFERRED, _new

    # The tests' stand-in keyrings are imported with the case helpers; none of them here (the
    # school is protected by its passwords alone, as on a PC without a keyring).
    keyring.set_keyring(keyring.backends.fail.Keyring())
    print(f"Argon2id: {keyslots.DEFAULT_KDF}")
    made = create_school(
        folder / "school.db",
        school_name="Bench High (invented)",
        username="bench",
        display_name="Bench DSL",
        password="Kettle-Orchard-Lantern-42",
        device_secrets=DeviceSecretStore(),
        password_only=True,
    ).signed_in
    add_bulk_cases(made, count)
    pupil = people.add_person(
        made,
        people.PersonForm(people.PersonKind.PUPIL, "Amy", "Ash", date_of_birth=date(2014, 3, 1)),
    )
    made.sign_out()

    sign_ins = []
    for _ in range(SIGN_INS):
        start = time.perf_counter()
        me = sign_in(
            folder / "school.db", "bench", "Kettle-Orchard-Lantern-42", DeviceSecretStore()
        )
        sign_ins.append(time.perf_counter() - start)
        me.sign_out()
    me = sign_in(folder / "school.db", "bench", "Kettle-Orchard-Lantern-42", DeviceSecretStore())
    records = []
    for number in range(RECORDS):
        case = _new(pupil, NUDES_REFERRED, summary=f"Bench case {number}: photos asked for")
        start = time.perf_counter()
        incidents.record_incident(me, case)
        records.append(time.perf_counter() - start)
    me.sign_out()
    print(
        f"sign-in: median {statistics.median(sign_ins) * 1000:.0f} ms "
        f"(min {min(sign_ins) * 1000:.0f}, max {max(sign_ins) * 1000:.0f}) over {SIGN_INS}"
    )
    print(
        f"recording a case: median {statistics.median(records) * 1000:.1f} ms "
        f"(min {min(records) * 1000:.1f}, max {max(records) * 1000:.1f}) over {RECORDS}, "
        f"on {count} cases"
    )


if __name__ == "__main__":
    main()
