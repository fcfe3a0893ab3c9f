"""Evidence on screen names its file but not the file's SHA-256 (the printed record keeps it)."""

from __future__ import annotations

from esafety_desktop.domain.evidence import for_the_screen, names_a_file

DIGEST = "db14e07f84ee5d0987cefefbc7a2a08afd8c76e9249906fcb623e111097eb591"


def test_the_fingerprint_is_left_off_the_screen() -> None:
    line = (
        "Screenshot: Group chat, kept in School safe by Jo Bloggs "
        f"(file chat.png, SHA-256 {DIGEST})"
    )
    assert for_the_screen(line) == (
        "Screenshot: Group chat, kept in School safe by Jo Bloggs (file chat.png)"
    )
    assert names_a_file(line)


def test_a_file_name_with_brackets_and_commas_keeps_its_name() -> None:
    line = f"Group chat (file chat (1), copy.png, SHA-256 {DIGEST})"
    assert for_the_screen(line) == "Group chat (file chat (1), copy.png)"


def test_text_without_a_fingerprint_is_unchanged() -> None:
    for line in (
        "Web address: https://example.invalid",
        "Device held (file cabinet, SHA-256 to come)",
    ):
        assert for_the_screen(line) == line
        assert not names_a_file(line)
