"""Slow work (Argon2, checks, reports) runs on a worker thread; results come back to the UI
thread through a signal, so the window never freezes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


_running: set[_Relay] = set()
_pool: QThreadPool | None = None


def _one_worker() -> QThreadPool:
    """One worker: database work never overlaps (there is one writer)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


def run_in_background(
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    relay = _Relay()
    _running.add(relay)

    def finish(result: Any) -> None:
        _running.discard(relay)
        on_done(result)

    def fail(exc: Any) -> None:
        _running.discard(relay)
        on_failed(exc)

    relay.done.connect(finish)
    relay.failed.connect(fail)
    _one_worker().start(_Job(work, relay))


def busy() -> bool:
    """True while work is queued or running (locking waits for it, as a save must finish)."""
    return bool(_running)


def wait_for_background(msecs: int = 30000) -> bool:
    """For shutdown and tests: wait until queued work has finished."""
    return _one_worker().waitForDone(msecs)
