"""Start-up: ``esafety-desktop`` opens the window; ``esafety-desktop COMMAND`` runs a command.

The first window is shown before SQLAlchemy and reportlab are imported, so start-up feels
immediate; they load on the worker thread while the user types.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from esafety_desktop import APP_NAME
from esafety_desktop.cli import COMMANDS, VersionAction


def gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="esafety-desktop",
        description=f"{APP_NAME}: online-safety incidents and Acceptable Use Agreements for a "
        "school's Designated Safeguarding Lead. Run with no options to open the window; "
        "`esafety-desktop --help-commands` lists the commands for IT staff.",
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument(
        "pack",
        nargs="?",
        type=Path,
        help="a review pack (.esreview) to open in review mode, for the headteacher",
    )
    parser.add_argument("--db", type=Path, help="open this school database")
    parser.add_argument(
        "--demo", action="store_true", help="open the invented demo school (made on first use)"
    )
    parser.add_argument("--demo-folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--palette",
        choices=("system", "light", "dark"),
        default="system",
        help="colours: follow the system (default), or force light or dark",
    )
    parser.add_argument(
        "--no-crash-dialog",
        action="store_true",
        help="on a bug, print the details and exit instead of showing a dialog (for scripts)",
    )
    parser.add_argument(
        "--screenshots",
        type=Path,
        metavar="DIR",
        help="with --demo: sign in, save each main page as a PNG in DIR, then quit",
    )
    parser.add_argument(
        "--quit-after", type=float, metavar="SECONDS", help="quit by itself (smoke tests)"
    )
    parser.add_argument("--help-commands", action="store_true", help="list the commands")
    # bench/startup.py: print the wall-clock time once the first window is on screen, then quit.
    parser.add_argument("--print-shown-at", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    from esafety_desktop import cli
    from esafety_desktop.storage.files import use_private_file_modes

    # Before anything is made: the database, its WAL and SHM, backups and saved documents are
    # this user's only (0600, folders 0700), whoever else uses the PC.
    use_private_file_modes()
    args_list = sys.argv[1:] if argv is None else list(argv)

    if args_list and args_list[0] in COMMANDS:
        return cli.main(args_list)
    options = gui_parser().parse_args(args_list)
    if options.help_commands:
        cli.build_parser().print_help()
        return 0
    return run_gui(options)


def run_gui(options: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if options.screenshots:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        options.demo = True
        from esafety_desktop.ui.screenshots import use_a_laptop_screen

        use_a_laptop_screen()
    if not _display_available():
        print(
            f"{APP_NAME}: there is no display here, so the window cannot open. Use "
            "--screenshots DIR with --demo to render the pages to PNG files, or run it on a "
            "desktop.",
            file=sys.stderr,
        )
        return 2

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from esafety_desktop.ui.crash import install_crash_handler, route_qt_messages_to_logging
    from esafety_desktop.ui.single_instance import (
        SingleInstance,
        ask_running_copy_to_show,
        instance_name,
    )

    route_qt_messages_to_logging()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    if options.palette != "system":
        from esafety_desktop.ui.palette import apply_palette

        apply_palette(app, options.palette)
    install_crash_handler(show_dialog=not options.no_crash_dialog)

    # Review mode is its own copy: a pack can be opened while the school database is open.
    name = instance_name("-demo" if options.demo else "-review" if options.pack else "")
    if not options.screenshots and ask_running_copy_to_show(name):
        print(f"{APP_NAME} is already open; it has been brought to the front.")
        return 0
    single = SingleInstance(name)
    from esafety_desktop.ui.background import share_the_interpreter_fairly
    from esafety_desktop.ui.garbage import MainThreadCollector

    share_the_interpreter_fairly()
    collector = MainThreadCollector()
    collector.start()

    from esafety_desktop.ui.controller import AppController, StartOptions

    controller = AppController(
        StartOptions(
            database=options.db,
            demo=options.demo,
            demo_folder=options.demo_folder,
            review=options.pack,
        )
    )
    single.wake.connect(controller.wake)
    controller.start()
    if options.print_shown_at:
        QTimer.singleShot(0, lambda: (print(f"shown_at={time.time():.6f}", flush=True), app.quit()))
    else:
        QTimer.singleShot(0, _preload_heavy_modules)
    if options.screenshots:
        from esafety_desktop.ui.screenshots import take_screenshots

        take_screenshots(controller, options.screenshots)
    if options.quit_after:
        QTimer.singleShot(int(options.quit_after * 1000), controller.quit)
    code = app.exec()
    single.close()
    from esafety_desktop.ui.background import wait_for_background

    wait_for_background()
    collector.stop()
    return int(code)


def _display_available() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]  # "offscreen:size=…"
    if platform in ("offscreen", "minimal", "vnc") or sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _preload_heavy_modules() -> None:
    from esafety_desktop.ui.background import run_in_background

    def load() -> None:
        import esafety_desktop.services.access
        import esafety_desktop.services.exports  # noqa: F401 - reportlab

    run_in_background(load, lambda _r: None, lambda _e: None)
