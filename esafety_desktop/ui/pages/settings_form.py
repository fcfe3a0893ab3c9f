"""What every Settings tab is made of: a form at a readable width and a Save whose note says
"Saving…", then "Saved." or why not."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import QLabel, QLayout, QVBoxLayout, QWidget

from esafety_desktop.errors import ProblemForUser
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.sizing import readable


def saved_note() -> QLabel:
    label = QLabel()
    label.setObjectName("savedNote")
    return label


def save_in_background(
    tab: QWidget, work: Callable[[], object], note: QLabel, saved: str = "Saved."
) -> None:
    """A tab's Save: the note says "Saving…", then "Saved." or why not."""
    note.setText("Saving…")
    Operation(
        tab,
        work,
        Changes.SETTINGS,
        on_done=partial(_say, note, saved),
        on_problem=partial(_say_problem, note),
    ).run()


def form_page(tab: QWidget, *parts: QLayout) -> None:
    """A tab's form at a readable width, at the top left however large the window."""
    holder = readable(QWidget())
    inner = QVBoxLayout(holder)
    inner.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        inner.addLayout(part)
    layout = QVBoxLayout(tab)
    layout.addWidget(holder)
    layout.addStretch(1)


def _say(note: QLabel, text: str, _result: object) -> None:
    note.setText(text)


def _say_problem(note: QLabel, problem: ProblemForUser) -> None:
    note.setText(str(problem))
