"""Every change a window makes to the school database is an :class:`Operation`.

In the spirit of Anki's ``CollectionOp``: an operation is tied to the widget that asked for it,
runs its work on the one worker thread (so the window never waits for the disk, and two writes
never overlap), then says what kinds of record it changed. Pages listen to the session's
:class:`ChangeNews` and refresh themselves; nobody refreshes another page by hand.

If the widget is gone when the work finishes (the program was locked meanwhile), nobody is
told: the work itself has still been done, and recorded in the audit log.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

from esafety_desktop.errors import ProblemForUser
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.background import keep_for_after_sign_in, run_in_background

T = TypeVar("T")


class Changes(enum.Flag):
    """Which kinds of record an operation changed (every change also adds to the audit log)."""

    NOTHING = 0
    INCIDENTS = enum.auto()
    DRAFTS = enum.auto()
    PEOPLE = enum.auto()
    AGREEMENTS = enum.auto()
    SETTINGS = enum.auto()
    ACCOUNTS = enum.auto()
    BACKUPS = enum.auto()
    AUDIT = enum.auto()  # only the audit log (a printout, a save, a check)


EVERYTHING = (
    Changes.INCIDENTS
    | Changes.DRAFTS
    | Changes.PEOPLE
    | Changes.AGREEMENTS
    | Changes.SETTINGS
    | Changes.ACCOUNTS
    | Changes.BACKUPS
    | Changes.AUDIT
)


class ChangeNews(QObject):
    """One per signed-in window: ``changed`` carries the :class:`Changes` of each operation
    and the widget that asked for it (which has already shown its own result)."""

    changed = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ended = False  # the window was locked or signed out: nothing more is shown

    def tell(self, changes: Changes, origin: QWidget | None = None) -> None:
        if changes and not self.ended:
            self.changed.emit(changes | Changes.AUDIT, origin)


def news_for(widget: QWidget | None) -> ChangeNews | None:
    """The news of the window ``widget`` belongs to (dialogs included: their parents lead
    there)."""
    while widget is not None:
        news = getattr(widget, "news", None)
        if isinstance(news, ChangeNews):
            return news
        widget = widget.parentWidget()
    return None


class Operation(Generic[T]):
    """``work`` on the worker; then, on the UI thread, the news of ``changes`` and
    ``on_done(result)``. A :class:`ProblemForUser` goes to ``on_problem``, or is shown in a
    message titled ``problem_title``; anything else is a bug and reaches the crash dialog."""

    def __init__(
        self,
        parent: QWidget,
        work: Callable[[], T],
        changes: Changes,
        *,
        on_done: Callable[[T], Any] | None = None,
        on_problem: Callable[[ProblemForUser], Any] | None = None,
        problem_title: str = "",
    ) -> None:
        self.parent = parent
        self.work = work
        self.changes = changes
        self.on_done = on_done
        self.on_problem = on_problem
        self.problem_title = problem_title

    def run(self) -> None:
        run_in_background(self.work, self._done, self._failed, owner=self.parent)

    def _done(self, result: T) -> None:
        news = news_for(self.parent)
        if news is not None and news.ended:
            return  # done, but its window is being closed (locked): nothing to show
        if news is not None:
            news.tell(self.changes, self.parent)
        if self.on_done is not None:
            self.on_done(result)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, ProblemForUser):
            raise exc
        news = news_for(self.parent)
        if news is not None and news.ended:
            keep_for_after_sign_in(exc)  # said after sign-in, never dropped
            return
        if self.on_problem is not None:
            self.on_problem(exc)
        else:
            dialogs.report_problem(self.parent, exc, self.problem_title)


def save_from(
    dialog: QWidget,
    work: Callable[[], object],
    changes: Changes,
    *,
    message: QLabel,
    buttons: QWidget,
    then: Callable[[], object],
) -> None:
    """A dialog's Save: ``buttons`` greyed while ``work`` runs on the worker; then ``then()``,
    or the reason in ``message`` with the buttons back."""

    def done(_result: object) -> None:
        buttons.setEnabled(True)
        then()

    def refused(problem: ProblemForUser) -> None:
        buttons.setEnabled(True)
        message.setText(str(problem))

    message.setText("")
    buttons.setEnabled(False)
    Operation(dialog, work, changes, on_done=done, on_problem=refused).run()
