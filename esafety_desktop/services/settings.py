"""School settings: read by everyone signed in, changed by the DSL, every change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from esafety_desktop.domain.audit_wording import RECOVERY_KEY_KEPT
from esafety_desktop.domain.contacts import Contact, merge_saved, to_saved
from esafety_desktop.domain.roles import Permission
from esafety_desktop.domain.school_year import DEFAULT_START
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import (
    KEY_STORAGE_SETTING,
    RECOVERY_SHEET_SETTING,
    SCHOOL_NAME_SETTING,
    SignedIn,
    read_setting,
    write_setting,
)
from esafety_desktop.services.open_to_all import open_to_every_role

PUPIL_WORD_SETTING = "pupil_word"
PUPIL_WORDS = ("pupil", "learner", "student")
CONTACTS_SETTING = "contacts"
AUTO_LOCK_SETTING = "auto_lock_minutes"
AUTO_LOCK_DEFAULT, AUTO_LOCK_RANGE = 5, (1, 60)
YEAR_START_SETTING = "school_year_start"
PARENTS_SIGN_SETTING = "aup_parents_sign"
PARENTS_SIGN = {
    "younger": "for pupils in Nursery to Year 2",
    "all": "for every pupil",
    "none": "never",
}


@dataclass(frozen=True)
class SchoolSettings:
    school_name: str
    pupil_word: str
    password_only: bool
    auto_lock_minutes: int
    contacts: list[Contact]
    recovery_sheet_kept: str | None  # "printed" / "saved" / "written"; None: not confirmed

    @property
    def pupil_word_plural(self) -> str:
        return self.pupil_word + "s"


@open_to_every_role("every role reads the school's settings")
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
    signed_in.require(Permission.CHANGE_SETTINGS)
    _change(signed_in, SCHOOL_NAME_SETTING, check_school_name(name))


def check_school_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("Type the school's name.")
    if len(name) > 200:
        raise InvalidInput("The school's name can have at most 200 characters.")
    return name


def set_pupil_word(signed_in: SignedIn, word: str) -> None:
    signed_in.require(Permission.CHANGE_SETTINGS)
    _change(signed_in, PUPIL_WORD_SETTING, check_pupil_word(word))


def check_pupil_word(word: str) -> str:
    word = word.strip().lower()
    if word not in PUPIL_WORDS:
        raise InvalidInput(f"Choose one of: {', '.join(PUPIL_WORDS)}.")
    return word


def set_auto_lock_minutes(signed_in: SignedIn, minutes: int) -> None:
    signed_in.require(Permission.CHANGE_SETTINGS)
    low, high = AUTO_LOCK_RANGE
    if not low <= minutes <= high:
        raise InvalidInput(f"Auto-lock must be between {low} and {high} minutes.")
    _change(signed_in, AUTO_LOCK_SETTING, minutes)


def set_contacts(signed_in: SignedIn, contacts: list[Contact]) -> None:
    signed_in.require(Permission.CHANGE_SETTINGS)
    _change(signed_in, CONTACTS_SETTING, to_saved(contacts))


def confirm_recovery_sheet(signed_in: SignedIn, how: str) -> None:
    """The DSL says the current recovery key is kept safely: the sheet ``"printed"`` or
    ``"saved"`` as a file, or the key ``"written"`` down by hand."""
    if how not in RECOVERY_KEY_KEPT:
        raise InvalidInput("Say whether the recovery sheet was printed, saved or written down.")
    signed_in.require(Permission.MANAGE_RECOVERY_KEY)
    with signed_in.database.transaction() as session:
        write_setting(session, RECOVERY_SHEET_SETTING, how)
        signed_in.record(session, "recovery_sheet.confirmed", details={"how": how})


@open_to_every_role("every role reads the school's settings")
def school_year_start(signed_in: SignedIn) -> tuple[int, int]:
    """The day the school year starts (month, day): 1 September unless the school says."""
    with signed_in.database.reading() as session:
        saved = read_setting(session, YEAR_START_SETTING)
    return (int(saved[0]), int(saved[1])) if saved else DEFAULT_START


def set_school_year_start(signed_in: SignedIn, month: int, day: int) -> None:
    """Reports, the register and the renewal of agreements all count from this day."""
    signed_in.require(Permission.CHANGE_SETTINGS)
    try:
        date(2023, month, day)  # not a leap year: 29 February cannot start every year
    except ValueError:
        raise InvalidInput("That is not a day of the year a school year can start on.") from None
    if (month, day) == school_year_start(signed_in):
        return  # unchanged: nothing to record
    with signed_in.database.transaction() as session:
        write_setting(session, YEAR_START_SETTING, [month, day])
        signed_in.record(session, "settings.school_year_start", details={"day": f"{day}/{month}"})


@open_to_every_role("every role reads the school's settings")
def parents_sign(signed_in: SignedIn) -> str:
    """Whose forms a parent or carer signs too: "younger" (the default), "all" or "none"."""
    with signed_in.database.reading() as session:
        saved = read_setting(session, PARENTS_SIGN_SETTING)
    return str(saved) if saved in PARENTS_SIGN else "younger"


def set_parents_sign(signed_in: SignedIn, choice: str) -> None:
    """The school's policy, not the app's, says whose forms need a parent's signature."""
    signed_in.require(Permission.CHANGE_SETTINGS)
    if choice not in PARENTS_SIGN:
        raise InvalidInput("Choose whose forms a parent or carer signs.")
    if choice == parents_sign(signed_in):
        return
    with signed_in.database.transaction() as session:
        write_setting(session, PARENTS_SIGN_SETTING, choice)
        signed_in.record(session, "settings.aup_parents_sign", details={"choice": choice})


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
