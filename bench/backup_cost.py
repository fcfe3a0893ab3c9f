"""What backups and the check on opening cost with a large school: 20,000 cases (two of 1,500
pupils each, eight steps each).

    .venv/bin/python bench/backup_cost.py [CASES]

Prints the database's size, how long the quick check on opening adds to a sign-in, and how
long a backup takes to write and verify, and a restore to put in place.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    folder = Path(tempfile.mkdtemp(prefix="esafety-bench-"))
    os.environ["HOME"] = str(folder)

    from bench_school import add_bulk_cases, bench_school

    from esafety_desktop.services import backups, restoring
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.storage.device_secret import DeviceSecretStore

    me = bench_school(folder)
    add_bulk_cases(me, count)
    path = me.path
    me.sign_out()
    size = path.stat().st_size / 1e6
    print(f"{count} cases: the database is {size:.1f} MB")

    def timed(work):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = work()
        return time.perf_counter() - start, result

    for _ in range(2):  # the second run is with the file in the page cache, as on a working PC
        seconds, me = timed(
            lambda: sign_in(path, "bench", "Kettle-Orchard-Lantern-42", DeviceSecretStore())
        )
        check, _ = timed(me.database.check_on_opening)
        print(f"sign-in {seconds:.2f} s, of which the quick check on opening about {check:.2f} s")
        seconds, run = timed(partial(backups.back_up, me, backups.BY_HAND))
        print(f"backup written and verified in {seconds:.2f} s ({run.backup.size / 1e6:.1f} MB)")
        me.sign_out()
    opened = restoring.open_backup(
        run.backup,
        username="bench",
        password="Kettle-Orchard-Lantern-42",
        device_secrets=DeviceSecretStore(),
    )
    seconds, restored = timed(
        lambda: restoring.restore(
            opened,
            folder / "restored" / "school.db",
            username="bench",
            new_password=None,
            device_secrets=DeviceSecretStore(),
        )
    )
    print(f"restore put in place and opened in {seconds:.2f} s")
    restored.signed_in.sign_out()


if __name__ == "__main__":
    main()
