"""Start-up pieces: crash reports, a second launch, the demo command, page screenshots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from esafety_desktop.ui.crash import describe_bug
from esafety_desktop.ui.single_instance import (
    SingleInstance,
    ask_running_copy_to_show,
    instance_name,
)


def test_a_crash_report_names_the_code_but_never_record_text() -> None:
    def save_incident() -> None:
        child_words = "MARKER he said the man online asked for photos"
        raise ValueError(f"could not store {child_words}")

    try:
        save_incident()
    except ValueError as exc:
        report = describe_bug(type(exc), exc.__traceback__)
    assert "in save_incident" in report
    assert "builtins.ValueError" in report
    assert "MARKER" not in report
    assert "photos" not in report


def test_a_second_launch_brings_the_first_forward(qtbot: QtBot) -> None:
    name = instance_name(f"-test-{os.getpid()}")
    first = SingleInstance(name)
    try:
        with qtbot.waitSignal(first.wake, timeout=5000):
            assert ask_running_copy_to_show(name)
    finally:
        first.close()
    assert not ask_running_copy_to_show(name, timeout_ms=200)


def test_the_demo_command_prints_its_sign_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from esafety_desktop.app import main

    assert main(["demo", "--db", str(tmp_path / "demo.db")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "User: demo.dsl" in lines
    assert "Password: Demo-Oakfield-2026" in lines


@pytest.mark.slow
def test_the_demo_school_renders_every_page_without_a_display(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "esafety_desktop",
            "--demo",
            "--demo-folder",
            str(tmp_path / "demo"),
            "--screenshots",
            str(tmp_path / "shots"),
            "--no-crash-dialog",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    pictures = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    assert pictures[0] == "01-sign-in.png"
    assert {"02-dashboard.png", "03-incidents.png", "04-people.png", "05-agreements.png"} <= set(
        pictures
    )
    # Then every dialog and wizard, review mode and the windows before signing in.
    shown = {p.split("-", 1)[1] for p in pictures}
    assert {"print-the-record.png", "review-mode.png", "set-up.png", "about.png"} <= shown
    assert len(pictures) > 40
    assert all((tmp_path / "shots" / p).stat().st_size > 10_000 for p in pictures[:13])
    assert all((tmp_path / "shots" / p).stat().st_size > 2_000 for p in pictures)
    assert [line for line in result.stdout.splitlines() if line.endswith(".png")]


def test_without_a_display_the_window_says_what_to_do() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [sys.executable, "-m", "esafety_desktop"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2
    assert "there is no display here" in result.stderr
    assert "--screenshots" in result.stderr


def test_an_environment_problem_that_escapes_gets_the_plain_dialog_not_the_bug_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from esafety_desktop.errors import DiskFull
    from esafety_desktop.ui import dialogs
    from esafety_desktop.ui.crash import install_crash_handler

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_crash_handler(show_dialog=True)
    dialogs.set_next_answer(None)
    problem = DiskFull()
    sys.excepthook(type(problem), problem, None)
    title, text = dialogs.shown[-1]
    assert title == "Something needs your attention"
    assert "The disk is full" in text and "Free some space" in text
