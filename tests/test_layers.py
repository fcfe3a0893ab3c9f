"""The layers of DESIGN.md, checked on every import between our own modules (the whole dotted
name, so a page reaching into ``storage`` is seen) and on the libraries each layer may use.

    ui       -> services, demo, domain
    demo     -> services, domain      (builds the demo school from resources/demo/)
    services -> domain, storage, reports
    reports  -> domain
    storage  -> domain
    domain   -> (nothing of ours)

The small shared modules (``errors``, ``paths`` and the package itself) may be used
by every layer but ``domain`` (which takes only ``errors``). The top-level parts ``app``,
``cli`` and ``__main__`` start things and may use any layer; nothing else imports them or
``ui``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "esafety_desktop"
SHARED = {"errors", "paths", ""}  # "" is the package itself (APP_NAME, version)
LAYERS = {
    "ui": {"ui", "services", "demo", "domain"} | SHARED,
    "demo": {"demo", "services", "domain"} | SHARED,
    "services": {"services", "domain", "storage", "reports"} | SHARED,
    "reports": {"reports", "domain"} | SHARED,
    "storage": {"storage", "domain"} | SHARED,
    "domain": {"domain", "errors", ""},
}
TOP = {"app", "cli", "__main__"}  # they start things and may use any layer
FORBIDDEN_LIBRARIES = {
    "domain": ("PySide6", "shiboken6", "sqlalchemy", "alembic", "reportlab", "keyring"),
    "storage": ("PySide6", "shiboken6", "reportlab"),
    "services": ("PySide6", "shiboken6"),
    "reports": ("PySide6", "shiboken6", "sqlalchemy", "alembic", "sqlcipher3", "keyring"),
}


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, by its whole dotted name (at any depth in the file,
    so imports inside functions count too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _part_of_ours(module: str) -> str | None:
    """``esafety_desktop.ui.pages.people`` -> ``ui``; the package itself -> ``""``; not ours
    -> None."""
    if module == "esafety_desktop":
        return ""
    if not module.startswith("esafety_desktop."):
        return None
    return module.split(".")[1]


def _part_of_file(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _real_parts() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")} | {
        p.stem for p in PACKAGE.glob("*.py")
    }


def test_every_import_between_our_layers_points_down() -> None:
    real = _real_parts() | {""}
    wrong = []
    for path in _modules():
        mine = _part_of_file(path)
        for module in _imports(path):
            theirs = _part_of_ours(module)
            if theirs is None or theirs not in real:
                continue  # a library, or a name imported from the package root
            allowed = LAYERS.get(mine)
            if mine in TOP:
                continue
            if allowed is None:  # a shared module: only the package root or another shared
                if theirs not in SHARED:
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {module}")
                continue
            if theirs not in allowed:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert wrong == []


def test_the_checker_sees_a_page_reaching_into_storage(tmp_path: Path) -> None:
    """The check above keeps whole names: ``from esafety_desktop.storage.files import x``
    inside a function is seen as ``storage``, not as ``esafety_desktop``."""
    page = tmp_path / "page.py"
    page.write_text(
        "def save():\n    from esafety_desktop.storage.files import write_atomically\n",
        encoding="utf-8",
    )
    found = {_part_of_ours(m) for m in _imports(page)}
    assert "storage" in found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN_LIBRARIES))
def test_a_layer_uses_only_the_libraries_it_may(layer: str) -> None:
    offenders = {}
    for path in (PACKAGE / layer).rglob("*.py"):
        roots = {name.split(".")[0] for name in _imports(path)}
        bad = sorted(roots & set(FORBIDDEN_LIBRARIES[layer]))
        if bad:
            offenders[str(path.relative_to(PACKAGE))] = bad
    assert offenders == {}


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
