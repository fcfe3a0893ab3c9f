"""School settings: read by everyone signed in, changed by the DSL, every change audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from esafety_desktop.domain.contacts import Contact, merge_saved, to_saved
from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import (
    KEY_STORAGE_SETTING,
    RECOVERY_SHEET_SETTING,
    SCHOOL_NAME_SETTING,
    SignedIn,
    read_setting,
    write_setting,
)

PUPIL_WORD_SETTING = "pupil_word"
PUPIL_WORDS = ("pupil", "learner", "student")
CONTACTS_SETTING = "contacts"
AUTO_LOCK_SETTING = "auto_lock_minutes"
AUTO_LOCK_DEFAULT, AUTO_LOCK_RANGE = 5, (1, 60)


@dataclass(frozen=True)
class SchoolSettings:
    school_name: str
    pupil_word: str
    password_only: bool
    auto_lock_minutes: int
    contacts: list[Contact]
    recovery_sheet_kept: str | None  # "printed" / "saved"; None when not yet confirmed

    @property
    def pupil_word_plural(self) -> str:
        return self.pupil_word + "s"


def school_settings(signed_in: SignedIn) -> SchoolSettings:
    with signed_in.database.reading() as session:
        return SchoolSettings(
            school_name=read_setting(session, SCHOOL_NAME_SETTING) or "",
            pupil_word=read_setting(session, PUPIL_WORD_SETTING) or "pupil",
            password_only=read_setting(session, KEY_STORAGE_SETTING) == "password_only",
            auto_lock_minutes=int(read_setting(session, AUTO_LOCK_SETTING) or AUTO_LOCK_DEFAULT),
            contacts=merge_saved(read_setting(session, CONTACTS_SETTING) or {}),
            recovery_sheet_kept=read_setting(session, RECOVERY_SHEET_SETTING),
        )


def rename_school(signed_in: SignedIn, name: str) -> None:
    _change(signed_in, SCHOOL_NAME_SETTING, check_school_name(name))


def check_school_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("Type the school's name.")
    if len(name) > 200:
        raise InvalidInput("The school's name can have at most 200 characters.")
    return name


def set_pupil_word(signed_in: SignedIn, word: str) -> None:
    _change(signed_in, PUPIL_WORD_SETTING, check_pupil_word(word))


def check_pupil_word(word: str) -> str:
    word = word.strip().lower()
    if word not in PUPIL_WORDS:
        raise InvalidInput(f"Choose one of: {', '.join(PUPIL_WORDS)}.")
    return word


def set_auto_lock_minutes(signed_in: SignedIn, minutes: int) -> None:
    low, high = AUTO_LOCK_RANGE
    if not low <= minutes <= high:
        raise InvalidInput(f"Auto-lock must be between {low} and {high} minutes.")
    _change(signed_in, AUTO_LOCK_SETTING, minutes)


def set_contacts(signed_in: SignedIn, contacts: list[Contact]) -> None:
    _change(signed_in, CONTACTS_SETTING, to_saved(contacts))


def confirm_recovery_sheet(signed_in: SignedIn, how: str) -> None:
    """The DSL says the current recovery sheet is printed or stored safely."""
    if how not in ("printed", "saved"):
        raise InvalidInput("Say whether the recovery sheet was printed or saved.")
    signed_in.require(Permission.MANAGE_RECOVERY_KEY)
    with signed_in.database.transaction() as session:
        write_setting(session, RECOVERY_SHEET_SETTING, how)
        signed_in.record(session, "recovery_sheet.confirmed", details={"how": how})


def _change(signed_in: SignedIn, key: str, value: Any) -> None:
    signed_in.require(Permission.CHANGE_SETTINGS)
    with signed_in.database.transaction() as session:
        old = read_setting(session, key)
        if old == value:
            return
        write_setting(session, key, value)
        signed_in.record(
            session, "settings.changed", details={"setting": key, "from": old, "to": value}
        )
