"""Live feedback on a new password, shared by every form that sets one."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar

from esafety_desktop.services.passwords import judge_password

_COLOURS = ("#c62828", "#c62828", "#ef6c00", "#2e7d32", "#2e7d32")


def show_strength(
    password: str, label: QLabel, bar: QProgressBar | None = None, account: str = ""
) -> bool:
    """Update the meter; True when the password would be accepted."""
    verdict = judge_password(password, account)
    if bar is not None:
        bar.setValue(verdict.strength if password else 0)
    if not password:
        label.setText("")
        return False
    text = (
        verdict.strength_label
        if verdict.acceptable
        else f"{verdict.strength_label}: {verdict.reason}"
    )
    label.setText(text)
    label.setStyleSheet(f"color: {_COLOURS[verdict.strength]}")
    return verdict.acceptable


def mismatch_message(password: str, repeated: str) -> str:
    if repeated and password != repeated:
        return "The two passwords are different."
    return ""
