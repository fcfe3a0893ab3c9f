"""Audit actions in the words a DSL or an inspector would use."""

from __future__ import annotations

from typing import Any

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
    "sign_in.recovery_key": "Signed in with the recovery key",
    "sign_out": "Signed out",
    "session.locked": "Locked",
    "settings.changed": "Setting changed",
    "security.password_only_chosen": "Password-only protection chosen",
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
    "school_name": "School name",
    "pupil_word": "Word for children",
    "auto_lock_minutes": "Auto-lock minutes",
    "contacts": "Local contacts",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " ").replace(".", ": ").capitalize())


def describe_details(action: str, details: dict[str, Any]) -> str:
    """One line about an entry's details, without record text beyond what was audited."""
    if action == "settings.changed":
        setting = SETTING_LABELS.get(str(details.get("setting")), str(details.get("setting")))
        if details.get("setting") == "contacts":
            return f"{setting} updated"
        return f"{setting}: {details.get('from') or '(none)'} → {details.get('to')}"
    if action in ("account.created", "account.removed"):
        role = details.get("role")
        return f"{details.get('username')}" + (f" ({role.replace('_', ' ')})" if role else "")
    if action == "account.role_changed":
        before, after = str(details.get("from", "")), str(details.get("to", ""))
        return f"{before.replace('_', ' ')} → {after.replace('_', ' ')}"
    if action == "sign_in.failed":
        return f"{details.get('reason', '')}"
    if action.startswith("document."):
        extra = f", {details['pages']} page(s)" if "pages" in details else ""
        where = f" to {details['file']}" if "file" in details else ""
        return f"{details.get('document', '')}{extra}{where}"
    if action == "permission.refused":
        return f"not allowed: {str(details.get('permission', '')).replace('_', ' ')}"
    if action == "recovery_sheet.confirmed":
        return f"{details.get('how', '')}"
    return ", ".join(f"{k}: {v}" for k, v in sorted(details.items()))
