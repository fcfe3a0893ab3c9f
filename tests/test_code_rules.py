"""Rules about our own code that a crash taught us."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parent.parent / "esafety_desktop" / "ui"


def test_no_signal_is_connected_to_a_lambda() -> None:
    """A lambda connected to a signal holds its widget past deletion; PySide then crashed at
    exit now and then (1 run in 4) after an Incidents page was deleted. Bound methods are
    disconnected when their object goes."""
    found = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "connect"
                and any(isinstance(arg, ast.Lambda) for arg in node.args)
            ):
                found.append(f"{path.relative_to(UI.parent)}:{node.lineno}")
    assert found == []
