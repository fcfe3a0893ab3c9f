"""Start-up to the sign-in window, as a ratio to a bare PySide6 window (target: at most 1.5×).

    .venv/bin/python bench/startup.py [RUNS]

Both are started as new processes under the offscreen platform; each prints the wall-clock time
at which its first window was shown. The demo school is made first so the app opens straight
to its sign-in window.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import time, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
window = QWidget(); window.resize(960, 640); window.show()
QTimer.singleShot(0, lambda: (print(f"shown_at={time.time():.6f}", flush=True), app.quit()))
app.exec()
"""
TARGET_RATIO = 1.5


def seconds_to_window(command: list[str], env: dict[str, str]) -> float:
    started = time.time()
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("shown_at="))
    return float(line.removeprefix("shown_at=")) - started


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    folder = Path(tempfile.mkdtemp(prefix="esafety-bench-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(folder / "home")}
    app = [sys.executable, "-m", "esafety_desktop", "--demo", "--demo-folder", str(folder / "demo")]
    # The first start makes the demo school (it waits for that before exiting).
    subprocess.run([*app, "--print-shown-at"], env=env, check=True, capture_output=True)
    bare, ours = [], []
    for _ in range(runs):
        bare.append(seconds_to_window([sys.executable, "-c", BARE], env))
        ours.append(seconds_to_window([*app, "--print-shown-at"], env))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare PySide6 window: median {b:.3f} s over {runs} runs (min {min(bare):.3f})")
    print(f"eSafety sign-in window: median {o:.3f} s over {runs} runs (min {min(ours):.3f})")
    print(f"startup_ratio={o / b:.2f} target<={TARGET_RATIO}")


if __name__ == "__main__":
    main()
