"""The governors' report over five years of a 1,500-pupil school (about 20,000 incidents).
Target: under 2 s.

    .venv/bin/python bench/governors_report.py [CASES]

Cases are written straight into the encrypted database in bulk (the bench measures the report,
not recording).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    folder = Path(tempfile.mkdtemp(prefix="esafety-bench-"))
    os.environ["HOME"] = str(folder)

    from bench_school import bench_school, bulk_pupils

    from esafety_desktop.domain.incidents import INCIDENT_TYPE_NAMES, IncidentStatus
    from esafety_desktop.domain.school_year import Period, school_year_containing
    from esafety_desktop.services import reports
    from esafety_desktop.storage.models import (
        Incident,
        IncidentAction,
        IncidentEntry,
        IncidentPerson,
    )

    me = bench_school(folder, "Bench Academy (invented)")
    chance = random.Random(9)
    kinds = list(INCIDENT_TYPE_NAMES)
    statuses = [s.value for s in IncidentStatus]
    now = datetime(2026, 11, 23)
    start = time.perf_counter()
    with me.database.transaction() as session:
        pupils = bulk_pupils(session, now, [(f"P{n}", "Bench") for n in range(1500)])
        for n in range(count):
            reported = now - timedelta(minutes=n * 131)  # about five years
            status = chance.choice(statuses)
            incident = Incident(
                reference=f"OS-B-{n:05d}",
                status=status,
                incident_type=chance.choice(kinds),
                branch=chance.choice(("illegal", "unsuitable")),
                category=chance.choice(("content", "contact", "conduct", "commerce", None)),
                summary="Bench case",
                child_words="",
                reported_by="Bench teacher",
                reported_at=reported,
                created_by_id=me.account.id,
                created_at=reported,
                closed_at=reported if status == "closed" else None,
            )
            session.add(incident)
            session.flush()
            for person in chance.sample(pupils, 2):
                session.add(
                    IncidentPerson(
                        incident_id=incident.id,
                        person_id=person.id,
                        role="target",
                        year_group=person.year_group,
                    )
                )
            if status == "closed":
                session.add(
                    IncidentEntry(
                        incident_id=incident.id,
                        recorded_at=reported,
                        author_id=me.account.id,
                        author_name="Bench DSL",
                        kind="status",
                        title="Status: Open → Closed",
                        reasons="Done",
                        done_by="",
                        outcome="",
                        text="Outcome: done\nDebrief held: yes\nLessons learned: "
                        + chance.choice(("filtering", "staff training", "parents", "none"))
                        + "\nPolicy review needed: no",
                    )
                )
            if n % 10 == 0:
                session.add(
                    IncidentAction(
                        incident_id=incident.id,
                        title="Follow up",
                        owner="Bench DSL",
                        due=(reported + timedelta(days=7)).date(),
                        created_at=reported,
                    )
                )
    print(f"wrote {count} cases in {time.perf_counter() - start:.1f} s")

    year = school_year_containing(date(2025, 10, 1))
    five_years = Period(date(2021, 9, 1), date(2026, 8, 31), "five school years")
    for period in (year, five_years):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            pdf = reports.governors_report(me, period)
            best = min(best, time.perf_counter() - start)
        print(f"governors' report for {period.label}: {best:.2f} s ({len(pdf) // 1024} KB)")
    print("target: under 2 s")
    me.sign_out()


if __name__ == "__main__":
    main()
