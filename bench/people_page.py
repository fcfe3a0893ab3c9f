"""The People page with 5,000 pupils: import time, page load, and search-as-you-type per key.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/people_page.py [PEOPLE]

Target: each keystroke's filtering well under 100 ms, so typing never stutters.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    folder = Path(tempfile.mkdtemp(prefix="esafety-bench-"))
    os.environ["HOME"] = str(folder)

    from PySide6.QtWidgets import QApplication

    from esafety_desktop.domain.invented_people import SECONDARY_YEARS, invented_pupils, pupil_csv
    from esafety_desktop.services.people_import import apply_import, open_table, plan_import

    app = QApplication([])
    from bench_school import bench_school

    me = bench_school(folder, "Bench High (invented)")
    data = pupil_csv(invented_pupils(count, SECONDARY_YEARS))
    start = time.perf_counter()
    table, mapping = open_table(data)
    plan = plan_import(me, table, mapping, file_name="roll.csv", full_roll=True)
    checked = time.perf_counter()
    apply_import(me, plan, skip_rows=set())
    imported = time.perf_counter()
    print(
        f"import of {count} pupils ({len(data) // 1024} KB): check {checked - start:.2f} s, "
        f"write {imported - checked:.2f} s"
    )

    from esafety_desktop.ui.pages.people import PeoplePage

    start = time.perf_counter()
    page = PeoplePage(me)
    page.resize(1200, 800)
    page.show()
    app.processEvents()
    print(
        f"People page opened with {page.proxy.rowCount()} people in "
        f"{time.perf_counter() - start:.3f} s"
    )

    timings = []
    for text in ("s", "sm", "smi", "smit", "smith", "smith j", ""):
        start = time.perf_counter()
        page.proxy.set_search(text)
        page.apply_filters()
        app.processEvents()
        timings.append(time.perf_counter() - start)
        print(f"  {text!r}: {1000 * timings[-1]:.1f} ms, {page.proxy.rowCount()} shown")
    print(
        f"search per keystroke: median {1000 * statistics.median(timings):.1f} ms, "
        f"worst {1000 * max(timings):.1f} ms over {len(timings)} keystrokes"
    )
    start = time.perf_counter()
    page.year.setCurrentIndex(page.year.findText("Year 9"))
    app.processEvents()
    print(
        f"filter by year: {1000 * (time.perf_counter() - start):.1f} ms "
        f"({page.proxy.rowCount()} shown)"
    )
    me.sign_out()


if __name__ == "__main__":
    main()
