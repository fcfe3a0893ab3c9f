"""School settings: read by everyone signed in, changed by the DSL, every change audited."""

from __future__ import annotations

from dataclasses import dataclass

from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import (
    KEY_STORAGE_SETTING,
    SCHOOL_NAME_SETTING,
    SignedIn,
    _put_setting,
    _setting,
)

PUPIL_WORD_SETTING = "pupil_word"
PUPIL_WORDS = ("pupil", "learner", "student")


@dataclass(frozen=True)
class SchoolSettings:
    school_name: str
    pupil_word: str
    password_only: bool


def school_settings(signed_in: SignedIn) -> SchoolSettings:
    with signed_in.database.reading() as session:
        return SchoolSettings(
            school_name=_setting(session, SCHOOL_NAME_SETTING) or "",
            pupil_word=_setting(session, PUPIL_WORD_SETTING) or "pupil",
            password_only=_setting(session, KEY_STORAGE_SETTING) == "password_only",
        )


def rename_school(signed_in: SignedIn, name: str) -> None:
    name = name.strip()
    if not name:
        raise InvalidInput("Type the school's name.")
    _change(signed_in, SCHOOL_NAME_SETTING, name)


def set_pupil_word(signed_in: SignedIn, word: str) -> None:
    word = word.strip().lower()
    if word not in PUPIL_WORDS:
        raise InvalidInput(f"Choose one of: {', '.join(PUPIL_WORDS)}.")
    _change(signed_in, PUPIL_WORD_SETTING, word)


def _change(signed_in: SignedIn, key: str, value: str) -> None:
    signed_in.require(Permission.CHANGE_SETTINGS)
    with signed_in.database.transaction() as session:
        old = _setting(session, key)
        if old == value:
            return
        _put_setting(session, key, value)
        signed_in.record(
            session, "settings.changed", details={"setting": key, "from": old, "to": value}
        )
