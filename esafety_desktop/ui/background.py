"""Slow work (Argon2, checks, imports, reports) runs on one worker thread; results come back
to the UI thread through a queued Qt signal, so the window never freezes.

The worker never holds the last reference to anything. A job's callable (which may capture
widgets), its result and its exception are kept in a record owned by the UI thread, and the
worker drops its own references before it signals. Otherwise Python may free a Qt object on
the worker thread, which crashes Qt.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

from esafety_desktop.errors import DatabaseClosed


@dataclass
class _Job:
    work: Callable[[], Any]
    on_done: Callable[[Any], None]
    on_failed: Callable[[BaseException], None]
    owner: QObject | None = None  # when it is gone (the window was locked): see _deliver
    on_orphaned: Callable[[Any], None] | None = None
    outcome: tuple[bool, Any] | None = None


class _Relay(QObject):
    """Lives on the UI thread; emitted from the worker, so its slot runs on the UI thread."""

    finished = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.jobs: dict[int, _Job] = {}
        self.finished.connect(self._deliver)

    def _deliver(self, number: int) -> None:
        job = self.jobs.pop(number)
        if not self.jobs:
            _stop.clear()  # a request to stop was for the work queued until now
        assert job.outcome is not None
        ok, payload = job.outcome
        if job.owner is not None and not shiboken6.isValid(job.owner):
            # The window that asked is gone (locked). A result that holds something open is
            # handed to on_orphaned to close; a failure is kept to be said after sign-in.
            if ok and job.on_orphaned is not None:
                job.on_orphaned(payload)
            elif not ok:
                keep_for_after_sign_in(payload)
            return
        if ok:
            job.on_done(payload)
        else:
            job.on_failed(payload)


_relay: _Relay | None = None
_orphaned_failures: list[BaseException] = []
_numbers = itertools.count(1)
_futures: set[concurrent.futures.Future[None]] = set()
# One worker: database work never overlaps (there is one writer).
_worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="esafety-work")


# Set by locking: the running job stops at its next safe point (see ``stop_requested``).
_stop = threading.Event()


def _run(relay: _Relay, number: int) -> None:
    """On the worker thread."""
    job = relay.jobs[number]
    try:
        outcome: tuple[bool, Any] = (True, job.work())
    except BaseException as exc:  # handed to the UI thread to sort out
        outcome = (False, exc)
    job.outcome = outcome
    del job, outcome  # the record keeps them; the UI thread lets them go
    relay.finished.emit(number)


def run_in_background(
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    *,
    owner: QObject | None = None,
    on_orphaned: Callable[[Any], None] | None = None,
) -> None:
    """Call ``work()`` on the worker; then ``on_done(result)`` or ``on_failed(exception)``
    on the UI thread. If ``owner`` has been deleted by then, ``on_orphaned(result)`` is
    called instead (to close what the result holds open), and a failure is kept for
    :func:`take_orphaned_failures`. Call from the UI thread."""
    global _relay
    if _relay is None:
        _relay = _Relay()
    number = next(_numbers)
    _relay.jobs[number] = _Job(work, on_done, on_failed, owner, on_orphaned)
    future = _worker.submit(_run, _relay, number)
    _futures.add(future)
    future.add_done_callback(_futures.discard)


def keep_for_after_sign_in(exc: BaseException) -> None:
    """A failure whose window is going: kept for :func:`take_orphaned_failures` (except the
    database having been closed: that is the session ending, not something lost)."""
    if not isinstance(exc, DatabaseClosed):
        _orphaned_failures.append(exc)


def take_orphaned_failures() -> list[BaseException]:
    """The failures of work whose window had gone (the program was locked meanwhile): said
    once someone is signed in again, never dropped."""
    taken = list(_orphaned_failures)
    _orphaned_failures.clear()
    return taken


def share_the_interpreter_fairly() -> None:
    """Let the window's thread take Python back from the worker within a millisecond (not
    CPython's default five): while the worker makes every class's forms, the window otherwise
    stalled for up to 200 ms at a time (``bench/ui_stalls.py``)."""
    import sys

    sys.setswitchinterval(0.001)


def request_stop() -> None:
    """Ask the job now running to stop at its next safe point (locking does, so that dropping
    the key waits for as little as possible). Jobs that can stop early check
    :func:`stop_requested`; the others simply finish."""
    if busy():
        _stop.set()


def stop_requested() -> bool:
    """For a job on the worker: has locking asked it to stop where it safely can?"""
    return _stop.is_set()


def busy() -> bool:
    """True while work is queued, running, or its result not yet delivered (locking waits)."""
    return _relay is not None and bool(_relay.jobs)


def wait_for_background(msecs: int = 30000) -> bool:
    """For shutdown and tests: wait until queued work has finished."""
    _, not_done = concurrent.futures.wait(list(_futures), timeout=msecs / 1000)
    return not not_done


def close_orphaned_session(signed_in: Any) -> None:
    """A sign-in that finished after its window had gone: nobody will use it, so its
    database is closed and its key wiped at once."""
    from esafety_desktop.errors import ProblemForUser

    try:
        signed_in.sign_out()
    except ProblemForUser:
        signed_in.database.close()
