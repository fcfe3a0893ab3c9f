"""Account roles and what each may do.

The services check these before doing anything; the window only hides what a role cannot use.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DSL = "dsl"
    DEPUTY_DSL = "deputy_dsl"
    HEADTEACHER = "headteacher"
    ONLINE_SAFETY_LEAD = "online_safety_lead"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]

    @classmethod
    def from_text(cls, text: str) -> Role:
        """Accept the stored value or the label, ignoring case, spaces, dashes and underscores."""
        wanted = _squash(text)
        for role in cls:
            if wanted in (_squash(role.value), _squash(role.label)):
                return role
        choices = ", ".join(r.value for r in cls)
        raise ValueError(f"{text!r} is not a role; choose one of {choices}")


class Permission(StrEnum):
    MANAGE_ACCOUNTS = "manage_accounts"
    CHANGE_SETTINGS = "change_settings"
    VIEW_AUDIT_LOG = "view_audit_log"
    VERIFY_DATABASE = "verify_database"
    MANAGE_RECOVERY_KEY = "manage_recovery_key"
    MANAGE_PEOPLE = "manage_people"
    RECORD_INCIDENTS = "record_incidents"
    SIGN_OFF_CASES = "sign_off_cases"
    KEEP_AGREEMENTS = "keep_agreements"
    MAKE_REPORTS = "make_reports"
    RESTORE_BACKUPS = "restore_backups"
    EXPORT_REVIEW_PACKS = "export_review_packs"
    RESTRICT_CASES = "restrict_cases"

    @property
    def description(self) -> str:
        return _PERMISSION_DESCRIPTIONS[self]


_ROLE_LABELS = {
    Role.DSL: "Designated Safeguarding Lead",
    Role.DEPUTY_DSL: "Deputy DSL",
    Role.HEADTEACHER: "Headteacher",
    Role.ONLINE_SAFETY_LEAD: "Online Safety Lead",
}

_PERMISSION_DESCRIPTIONS = {
    Permission.MANAGE_ACCOUNTS: "add, change or remove accounts",
    Permission.CHANGE_SETTINGS: "change the school settings",
    Permission.VIEW_AUDIT_LOG: "read the audit log",
    Permission.VERIFY_DATABASE: "check the database",
    Permission.MANAGE_RECOVERY_KEY: "make a new recovery key",
    Permission.MANAGE_PEOPLE: "add, change or import people",
    Permission.RECORD_INCIDENTS: "record incidents",
    Permission.KEEP_AGREEMENTS: "keep the Acceptable Use Agreement register",
    Permission.MAKE_REPORTS: "make reports for the governors and the local authority",
    Permission.SIGN_OFF_CASES: "review and sign off cases",
    Permission.RESTORE_BACKUPS: "restore the school database from a backup",
    Permission.EXPORT_REVIEW_PACKS: "hand cases to the headteacher in a review pack, or import one",
    Permission.RESTRICT_CASES: "restrict a case, sealing it away from chosen accounts",
}

_EVERYONE = frozenset({Permission.VERIFY_DATABASE, Permission.MAKE_REPORTS})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DSL: frozenset(Permission),
    Role.DEPUTY_DSL: _EVERYONE
    | {
        Permission.VIEW_AUDIT_LOG,
        Permission.MANAGE_PEOPLE,
        Permission.RECORD_INCIDENTS,
        Permission.KEEP_AGREEMENTS,
        Permission.RESTRICT_CASES,
    },
    Role.HEADTEACHER: _EVERYONE | {Permission.VIEW_AUDIT_LOG, Permission.SIGN_OFF_CASES},
    Role.ONLINE_SAFETY_LEAD: _EVERYONE
    | {Permission.MANAGE_PEOPLE, Permission.RECORD_INCIDENTS, Permission.KEEP_AGREEMENTS},
}


def can(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
