"""The Acceptable Use Agreement register of a large school: 1,500 pupils, 1,500 parents and
150 staff, most of them signed. Prints how long the register takes to work out (the
Agreements page and the Dashboard both do it) and to open the page.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/agreements_register.py [PUPILS]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    pupils = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    folder = Path(tempfile.mkdtemp(prefix="esafety-bench-"))
    os.environ["HOME"] = str(folder)

    from bench_school import bench_school

    from esafety_desktop.domain.invented_people import FIRST_NAMES, SURNAMES
    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import agreements, people

    me = bench_school(folder, "Bench High (invented)")
    chance = random.Random(5)
    forms = []
    for n in range(pupils):
        year = str(7 + n % 5)
        forms.append(
            people.PersonForm(
                PersonKind.PUPIL,
                chance.choice(FIRST_NAMES),
                chance.choice(SURNAMES),
                date_of_birth=date(2010 + n % 5, 1, 1),
                year_group=year,
                class_name=f"{year}{'ABCDEF'[n % 6]}",
                start_date=date(2021, 9, 3),
            )
        )
    forms += [
        people.PersonForm(PersonKind.PARENT, chance.choice(FIRST_NAMES), chance.choice(SURNAMES))
        for _ in range(pupils)
    ]
    forms += [
        people.PersonForm(
            PersonKind.STAFF,
            chance.choice(FIRST_NAMES),
            chance.choice(SURNAMES),
            laptop_asset_tag=f"LT-{n:04d}",
            start_date=date(2018, 9, 1),
        )
        for n in range(pupils // 10)
    ]
    ids = people.add_people(me, forms)
    agreements.issue_starter_agreements(me, date(2026, 9, 1), "2026/27")
    signed = [i for i in ids if chance.random() < 0.85]
    agreements.record_signatures(me, signed, date(2026, 9, 10))
    print(f"{len(ids)} people, {len(signed)} signed")

    timings = []
    for _ in range(3):
        start = time.perf_counter()
        rows = agreements.register(me)
        timings.append(time.perf_counter() - start)
    outstanding = sum(not r.coverage.covered for r in rows)
    print(f"register of {len(rows)} people ({outstanding} outstanding): best {min(timings):.2f} s")

    from PySide6.QtWidgets import QApplication

    from esafety_desktop.ui.pages.agreements import AgreementsPage

    app = QApplication([])
    start = time.perf_counter()
    page = AgreementsPage(me)
    page.show()
    app.processEvents()
    print(f"Agreements page opened in {time.perf_counter() - start:.2f} s")
    page.close()
    del page
    me.sign_out()


if __name__ == "__main__":
    main()
