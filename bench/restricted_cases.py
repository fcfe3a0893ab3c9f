"""Restricted cases: what sealing them costs a DSL who holds them, in a school of 2,000 cases
and 500 people with 10 restricted cases (each with a screenshot of 200 KB).

    .venv/bin/python bench/restricted_cases.py [CASES] [RESTRICTED]

Figures: a whole sign-in (which also checks each restricted case's keys); the first list of
cases after it (the restricted cases are unwrapped, opened and loaded into memory); recording a
restricted case; adding a note to one (the case is sealed again whole); a search as one types.
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

PASSWORD = "Kettle-Orchard-Lantern-42"
RUNS = 7


def _ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:.1f} ms "
        f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}) over {len(values)}"
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    restricted = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    folder = Path(tempfile.mkdtemp(prefix="esafety-bench-"))
    os.environ["HOME"] = str(folder)

    import keyring
    import keyring.backends.fail
    from bench_school import add_bulk_cases

    from esafety_desktop.domain.evidence import EvidenceKind
    from esafety_desktop.domain.roles import Role
    from esafety_desktop.services import accounts, incidents, people
    from esafety_desktop.services.access import create_school, sign_in
    from esafety_desktop.storage.device_secret import DeviceSecretStore
    from tests.services.test_incidents import ABOUT_THE_HEAD, _new

    keyring.set_keyring(keyring.backends.fail.Keyring())
    me = create_school(
        folder / "school.db",
        school_name="Bench High (invented)",
        username="bench",
        display_name="Bench DSL",
        password=PASSWORD,
        device_secrets=DeviceSecretStore(),
        password_only=True,
    ).signed_in
    add_bulk_cases(me, count)
    accounts.add_account(
        me, username="head", display_name="Bench Head", role=Role.HEADTEACHER, password=PASSWORD
    )
    head_id = next(a.id for a in accounts.list_accounts(me) if a.username == "head")
    pupil = people.add_person(
        me,
        people.PersonForm(people.PersonKind.PUPIL, "Amy", "Ash", date_of_birth=date(2014, 3, 1)),
    )
    recording = []
    for number in range(restricted):
        start = time.perf_counter()
        case = incidents.record_incident(
            me,
            _new(
                pupil,
                ABOUT_THE_HEAD,
                summary=f"Restricted bench case {number}",
                concerns_account_id=head_id,
            ),
        )
        recording.append(time.perf_counter() - start)
        incidents.add_evidence(
            me,
            case.id,
            EvidenceKind.DESCRIPTION,
            "Screenshot log " + "x" * 200_000,
        )
    me.sign_out()

    sign_ins, first_lists, notes, searches = [], [], [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        me = sign_in(folder / "school.db", "bench", PASSWORD, DeviceSecretStore())
        sign_ins.append(time.perf_counter() - start)
        start = time.perf_counter()
        cases = incidents.list_incidents(me)
        first_lists.append(time.perf_counter() - start)
        sealed = next(c for c in cases if c.id < 0)
        start = time.perf_counter()
        incidents.add_note(me, sealed.id, "A note on a restricted case")
        notes.append(time.perf_counter() - start)
        for typed in ("re", "res", "rest", "restr"):
            start = time.perf_counter()
            incidents.search_incidents(me, typed)
            searches.append(time.perf_counter() - start)
        me.sign_out()
    print(f"{count} cases, {restricted} restricted (each with 200 KB of evidence)")
    print(f"sign-in (DSL holding every restricted case): {_ms(sign_ins)}")
    print(f"first list of cases after sign-in (restricted cases opened): {_ms(first_lists)}")
    print(f"recording a restricted case: {_ms(recording)}")
    print(f"adding a note to a restricted case: {_ms(notes)}")
    print(f"search per keystroke: {_ms(searches)}")


if __name__ == "__main__":
    main()
