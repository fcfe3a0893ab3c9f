"""Audit actions in the words a DSL or an inspector would use."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from esafety_desktop.domain.incidents import INCIDENT_TYPE_NAMES

# How the DSL said the recovery key is kept (the setting and its audit entry).
RECOVERY_KEY_KEPT: dict[str, str] = {
    "printed": "the sheet printed",
    "saved": "the sheet saved as a file",
    "written": "the key written down by hand",
}

ACTION_LABELS: dict[str, str] = {
    "school.created": "School database created",
    "account.created": "Account added",
    "account.removed": "Account removed",
    "account.role_changed": "Role changed",
    "account.password_changed": "Password changed",
    "account.password_reset": "Password reset by the DSL",
    "account.password_set_with_recovery_key": "Password set with the recovery key",
    "sign_in": "Signed in",
    "sign_in.failed": "Failed sign-in",
    "sign_in.failed.note_altered": "Failed sign-ins: the note was altered",
    "sign_in.failed.note_missing": "Failed sign-ins: the note was removed",
    "sign_in.failed.not_noted": "Failed sign-ins not noted (the note was full)",
    "sign_in.recovery_key": "Signed in with the recovery key",
    "sign_out": "Signed out",
    "session.locked": "Locked",
    "settings.changed": "Setting changed",
    "security.password_only_chosen": "Password-only protection chosen",
    "security.keys_upgraded": "Keys for each account made (the school's keys upgraded)",
    "security.school_key_changed": "The school's key changed",
    "security.records_sealed": "Every record sealed for checking",
    "records.saved": "Records saved",
    "recovery_key.created": "Recovery key made",
    "recovery_key.replaced": "Recovery key replaced",
    "recovery_sheet.confirmed": "Recovery sheet put away",
    "document.printed": "Printed",
    "document.saved_unencrypted": "Saved as an unencrypted PDF",
    "database.verified": "Database checked",
    "permission.refused": "Action refused",
    "person.created": "Person added",
    "person.changed": "Person changed",
    "person.viewed": "Person looked at",
    "person.left": "Marked as left",
    "person.kept_on_roll": "Kept on roll",
    "person.linked": "Parent or carer linked",
    "people.added": "People added",
    "people.imported": "Pupils imported from the MIS",
    "incident.created": "Incident recorded",
    "incident.restricted": "Incident restricted (sealed)",
    "restricted_case.changed": "A restricted case was changed",
    "restricted_case.sealed": "A case was restricted (sealed)",
    "restricted_case.keys_given": "Restricted case keys given to accounts",
    "agreement.version_added": "Agreement version added",
    "agreement.text_changed": "Agreement wording corrected",
    "agreement.signatures_recorded": "Signed agreements recorded",
    "agreement.signature_corrected": "Agreement signature corrected",
    "agreement.signature_withdrawn": "Agreement signature withdrawn",
    "agreement.cleared_list_exported": "Cleared-for-access list exported",
    "agreement.forms_printed": "Agreement forms printed",
    "settings.school_year_start": "School year start changed",
    "settings.aup_parents_sign": "Parents' signatures on agreements changed",
    "settings.report_threshold": "Small-number threshold for reports changed",
    "settings.policy_review_date": "Policy review date changed",
    "report.governors_made": "Governors' report made",
    "report.incident_log_made": "Incident log made",
    "report.chronology_made": "Safeguarding chronology made",
    "transfer.sent": "Safeguarding file sent to a new school",
    "transfer.receipt_confirmed": "Safeguarding file's receipt confirmed",
    "incident.viewed": "Incident looked at",
    "incident.note_added": "Note added to an incident",
    "incident.corrected": "Incident entry corrected",
    "incident.draft_started": "Incident draft started",
    "incident.draft_discarded": "Incident draft discarded",
    "incident.step_recorded": "Flowchart step recorded on an incident",
    "incident.action_added": "Action set on an incident",
    "incident.action_done": "Action on an incident done",
    "incident.status_changed": "Incident status changed",
    "incident.signed_off": "Incident reviewed and signed off",
    "incident.device_review": "Device or site review recorded",
    "evidence.added": "Evidence added to an incident",
    "evidence.image_refused": "Image refused as evidence",
    "backup.made": "Backup made",
    "database.restored_from": "Restored from a backup",
    "review_pack.exported": "Review pack made for the headteacher",
    "review_pack.imported": "Headteacher's review imported",
}

# Groups for the audit log's filter: label -> action prefix.
ACTION_GROUPS: dict[str, str] = {
    "Sign-ins and locking": "sign_in",
    "Failed sign-ins": "sign_in.failed",
    "Accounts": "account",
    "Settings": "settings",
    "Printing and saving": "document",
    "Database checks": "database",
    "Recovery key": "recovery_key",
    "Refused actions": "permission",
    "People": "person",
    "Imports": "people",
    "Incidents": "incident",
}

SETTING_LABELS = {
    "backup_second_location": "Second location for backups",
    "school_name": "School name",
    "pupil_word": "Word for children",
    "auto_lock_minutes": "Auto-lock minutes",
    "contacts": "Local contacts",
}


def _setting_value(value: Any) -> str:
    """A setting's value is typed by a person: shown as typed ("(none)" when empty)."""
    return "(none)" if value in (None, "") else value_in_words(value, as_it_is=True)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " ").replace(".", ": ").capitalize())


def describe_details(action: str, details: dict[str, Any]) -> str:
    """One line about an entry's details, without record text beyond what was audited."""
    if action == "settings.changed":
        name = str(details.get("setting"))
        setting = SETTING_LABELS.get(name, name_in_words(name).capitalize())
        if name == "contacts":
            return f"{setting} updated"
        if "to" not in details:  # a setting recorded with its new value only
            return f"{setting}: {_setting_value(details.get('value'))}"
        before, after = _setting_value(details.get("from")), _setting_value(details.get("to"))
        return f"{setting}: {before} → {after}"
    if action in ("account.created", "account.removed"):
        role = details.get("role")
        return f"{details.get('username')}" + (f" ({role.replace('_', ' ')})" if role else "")
    if action == "account.role_changed":
        before, after = str(details.get("from", "")), str(details.get("to", ""))
        return f"{before.replace('_', ' ')} → {after.replace('_', ' ')}"
    if action == "sign_in.failed":
        noted = str(details.get("noted_at") or details.get("at") or "")
        when = f", noted {noted[:16].replace('T', ' ')} UTC" if noted else ""
        return f"{details.get('reason', '')}{when}"
    if action.startswith("document."):
        extra = f", {details['pages']} page(s)" if "pages" in details else ""
        where = f" to {details['file']}" if "file" in details else ""
        return f"{details.get('document', '')}{extra}{where}"
    if action == "permission.refused":
        return f"not allowed: {str(details.get('permission', '')).replace('_', ' ')}"
    if action == "incident.created" and details.get("type") in INCIDENT_TYPE_NAMES:
        kind = INCIDENT_TYPE_NAMES[details["type"]]
        return f"{details.get('reference', '')}: {kind}"
    if action == "recovery_sheet.confirmed":
        how = str(details.get("how", ""))
        return RECOVERY_KEY_KEPT.get(how, how)
    return details_in_words(details)


# Detail names that are not simply their words with spaces for underscores.
DETAIL_NAMES = {
    "sha256": "SHA-256",
    "upn": "UPN",
    "mis_id": "MIS ID",
    "send": "SEND",
    "eal": "EAL",
    "url": "web address",
}
# Details whose values are typed by a person or name a file: shown exactly as they are.
_AS_THEY_ARE = frozenset({"username", "file", "folder", "also_to", "replaced_database_kept_in"})
_NAME_OF_A_THING = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")


def name_in_words(name: str) -> str:
    """``laptop_asset_tag`` -> "laptop asset tag"; ``upn`` -> "UPN"."""
    return DETAIL_NAMES.get(name, name.replace("_", " "))


def value_in_words(value: Any, *, as_it_is: bool = False) -> str:
    """A detail's value as a person reads it: lists as words separated by commas, yes/no,
    dates as dd/mm/yyyy and times as dd/mm/yyyy HH:MM (in this PC's time zone), the program's
    names for things (``laptop_asset_tag``) in words."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return ", ".join(value_in_words(v, as_it_is=as_it_is) for v in items) or "none"
    if isinstance(value, dict):
        return details_in_words(value)
    if isinstance(value, datetime):
        return _moment(value)
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    if as_it_is:
        return text
    if _ISO_DAY.fullmatch(text):
        try:
            return f"{date.fromisoformat(text):%d/%m/%Y}"
        except ValueError:
            return text
    if _ISO_MOMENT.fullmatch(text):
        try:
            return _moment(datetime.fromisoformat(text))
        except ValueError:
            return text
    if text in DETAIL_NAMES or _NAME_OF_A_THING.fullmatch(text):
        return name_in_words(text)
    return text


def _moment(when: datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone()  # stored in UTC; said in the time of this PC
    return f"{when:%d/%m/%Y %H:%M}"


def details_in_words(details: dict[str, Any]) -> str:
    """Every detail as "name: value", in words, separated by semicolons."""
    return "; ".join(
        f"{name_in_words(str(name))}: {_detail_value(str(name), value)}"
        for name, value in sorted(details.items(), key=lambda item: str(item[0]))
    )


def _detail_value(name: str, value: Any) -> str:
    if name == "sha256" and isinstance(value, str) and len(value) > 16:
        return f"{value[:16]}…"  # as the agreement forms print it; the log keeps it whole
    return value_in_words(value, as_it_is=name in _AS_THEY_ARE)
