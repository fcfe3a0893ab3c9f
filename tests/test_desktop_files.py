"""The Linux desktop entry and MIME type that make a double-clicked `.esreview` file open in
review mode: well-formed, and naming the same MIME type and the pack's own suffix."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from esafety_desktop.paths import resources_dir
from esafety_desktop.services.review_packs import PACK_SUFFIX

LINUX = resources_dir() / "linux"
MIME_TYPE = "application/x-esafety-review"
SHARED_MIME_INFO = "{http://www.freedesktop.org/standards/shared-mime-info}"


def _desktop_entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string((LINUX / "esafety-desktop.desktop").read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def test_the_desktop_entry_opens_a_pack_with_the_program() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "eSafety Desktop"
    assert entry["Exec"] == "esafety-desktop %f"  # one local file, as `esafety-desktop PACK`
    assert entry["Terminal"] == "false"
    for listed in ("MimeType", "Categories", "Keywords"):
        assert entry[listed].endswith(";"), f"{listed} is a list ending with ';'"
    assert entry["MimeType"].rstrip(";").split(";") == [MIME_TYPE]
    for key, value in entry.items():
        assert value == value.strip() and "\n" not in value, key


def test_the_mime_type_names_the_pack_suffix() -> None:
    root = ET.parse(LINUX / "esafety-review.xml").getroot()  # noqa: S314 - our own file
    assert root.tag == f"{SHARED_MIME_INFO}mime-info"
    [mime_type] = root.findall(f"{SHARED_MIME_INFO}mime-type")
    assert mime_type.get("type") == MIME_TYPE
    assert [g.get("pattern") for g in mime_type.findall(f"{SHARED_MIME_INFO}glob")] == [
        f"*{PACK_SUFFIX}"
    ]
    assert mime_type.findtext(f"{SHARED_MIME_INFO}comment")


@pytest.mark.skipif(
    shutil.which("update-mime-database") is None, reason="shared-mime-info is not installed"
)
def test_shared_mime_info_accepts_it_and_maps_the_suffix(tmp_path: Path) -> None:
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(LINUX / "esafety-review.xml", packages)
    run = subprocess.run(
        ["update-mime-database", "-V", str(tmp_path / "mime")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "error" not in run.stderr.lower() and "warning" not in run.stderr.lower(), run.stderr
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8").splitlines()
    assert f"50:{MIME_TYPE}:*{PACK_SUFFIX}" in globs
