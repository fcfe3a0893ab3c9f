"""The layers of DESIGN.md: domain/storage/reports never import Qt; reports never SQLAlchemy;
domain never SQLAlchemy either."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "esafety_desktop"

FORBIDDEN = {
    "domain": ("PySide6", "sqlalchemy", "alembic", "reportlab", "keyring"),
    "storage": ("PySide6", "reportlab"),
    "services": ("PySide6",),
    "reports": ("PySide6", "sqlalchemy", "alembic"),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer: str) -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_imports(path) & set(FORBIDDEN[layer]))
        for path in (PACKAGE / layer).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_loading_the_storage_services_and_reports_leaves_qt_unloaded() -> None:
    code = (
        "import sys\n"
        "import esafety_desktop.services.accounts, esafety_desktop.services.audit_log\n"
        "import esafety_desktop.reports.recovery_sheet, esafety_desktop.cli\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
