"""Uncaught exceptions are bugs: print them to stderr first, log them, then show a dialog.

The dialog and the log hold the traceback (files, lines, functions) and the exception's type,
never its message or local values, which could hold record text.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

import esafety_desktop
from esafety_desktop import APP_NAME
from esafety_desktop.errors import ProblemForUser

log = logging.getLogger("esafety_desktop.crash")


def describe_bug(kind: type[BaseException], tb: TracebackType | None) -> str:
    """A traceback without the exception's message or any variable's value."""
    frames = traceback.extract_tb(tb)
    lines = [f"{APP_NAME} {esafety_desktop.__version__} stopped because of a bug.", ""]
    lines += [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
    lines.append(f"{kind.__module__}.{kind.__qualname__}")
    return "\n".join(lines)


def install_crash_handler(show_dialog: bool) -> None:
    def handle(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        sys.excepthook = sys.__excepthook__  # a bug in here must not loop
        try:
            if isinstance(value, ProblemForUser):
                # The environment's fault (disk full, database busy…) that reached the top
                # without a dialog of its own: say it plainly, it is not a bug.
                log.warning("%s", type(value).__name__)
                if show_dialog:
                    from esafety_desktop.ui import dialogs

                    dialogs.report_problem(None, value)
                else:
                    print(f"Error: {value}", file=sys.stderr, flush=True)
                return
            report = describe_bug(kind, tb)
            print(report, file=sys.stderr, flush=True)
            log.error("%s", report)
            if show_dialog:
                _show_dialog(report)
            else:
                _quit(1)
        finally:
            sys.excepthook = handle

    sys.excepthook = handle


def _show_dialog(report: str) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Critical, f"{APP_NAME} found a bug", "")
    box.setText(
        "Something went wrong inside eSafety Desktop. What you had saved is safe in the "
        "encrypted database; what you were typing may need typing again.\n\n"
        "Please send the details below to your IT support. They contain no record text."
    )
    box.setDetailedText(report)
    box.exec()


def _quit(code: int) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        app.exit(code)
    else:
        sys.exit(code)


# Said by Qt's offscreen platform (screenshots, tests) about window hints it cannot honour.
_HARMLESS = ("This plugin does not support propagateSizeHints",)


def route_qt_messages_to_logging() -> None:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        level = levels.get(kind, logging.WARNING)
        if message.startswith(_HARMLESS):
            level = logging.DEBUG
        qt_log.log(level, "%s", message)

    qInstallMessageHandler(handler)
