"""Start-up: the ``esafety-desktop`` command.

For now every use goes through the administrative commands in :mod:`esafety_desktop.cli`; the
desktop window arrives with the next release.
"""

from __future__ import annotations

from esafety_desktop import cli


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv)
