"""What needs the signed-in person today. Later features add their own items here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from esafety_desktop.domain.incidents import IncidentStatus
from esafety_desktop.domain.roles import Permission, Role, can
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.settings import SchoolSettings, school_settings
from esafety_desktop.storage.models import Account, AuditEntry, Person

if TYPE_CHECKING:
    from esafety_desktop.services.incidents import ActionInfo

VERIFY_EVERY = timedelta(days=30)


class Target(StrEnum):
    """Where an item's button takes the user."""

    AUDIT_FAILED_SIGN_INS = "audit_failed_sign_ins"
    VERIFY = "verify"
    RECOVERY_SHEET = "recovery_sheet"
    CONTACTS = "contacts"
    ACCOUNTS = "accounts"
    POSSIBLE_LEAVERS = "possible_leavers"
    INCIDENTS = "incidents"
    AGREEMENTS = "agreements"
    TRANSFERS = "transfers"
    POLICY_REVIEW = "policy_review"
    BACKUPS = "backups"


class Urgency(IntEnum):
    """How soon an item needs the DSL; the Dashboard shows the most urgent first, each with
    its colour and icon."""

    URGENT = 0  # act today: a risk to children's records or to the school (red)
    SOON = 1  # a task to do before long (amber)
    NOTE = 2  # worth knowing (no colour)


@dataclass(frozen=True)
class DashboardItem:
    title: str
    detail: str
    button: str
    target: Target
    urgency: Urgency = Urgency.SOON

    @property
    def urgent(self) -> bool:
        return self.urgency is Urgency.URGENT


@dataclass(frozen=True)
class Dashboard:
    display_name: str
    school_name: str
    items: list[DashboardItem]
    last_verified: datetime | None
    accounts: int
    audit_entries: int


@dataclass(frozen=True)
class _Counts:
    """What the dashboard reads from the database, in one reading session so the numbers
    agree with each other."""

    failed_sign_ins: int  # since the signed-in person's previous sign-in
    last_verified: datetime | None
    dsls: int
    accounts: int
    audit_entries: int
    possible_leavers: int


@open_to_every_role("each account's own Dashboard, from what it may see")
def dashboard(signed_in: SignedIn) -> Dashboard:
    """Every item that needs the signed-in person, the most urgent first; among equally
    urgent items, the order below is the order on screen."""
    me = signed_in.account
    settings = school_settings(signed_in)
    counts = _counts(signed_in)
    found = [
        _recovery_sheet_item(signed_in, settings),
        _passwords_item(signed_in),
        *_backup_items(signed_in),
        _failed_sign_ins_item(signed_in, counts.failed_sign_ins),
        _verify_item(counts.last_verified, signed_in.clock.now()),
        _open_cases_item(signed_in),
        *_action_items(signed_in),
        _sign_off_item(signed_in),
        _agreements_item(signed_in),
        _policy_review_item(signed_in),
        _transfers_item(signed_in),
        _possible_leavers_item(signed_in, counts.possible_leavers),
        _contacts_item(signed_in, settings),
        _second_manager_item(signed_in, counts.dsls),
    ]
    return Dashboard(
        display_name=me.display_name,
        school_name=settings.school_name,
        items=sorted((item for item in found if item is not None), key=lambda i: i.urgency),
        last_verified=counts.last_verified,
        accounts=counts.accounts,
        audit_entries=counts.audit_entries,
    )


def _counts(signed_in: SignedIn) -> _Counts:
    me = signed_in.account
    with signed_in.database.reading() as session:
        sign_ins = list(
            session.scalars(
                select(AuditEntry.sequence)
                .where(AuditEntry.actor_id == me.id, AuditEntry.action.startswith("sign_in"))
                .order_by(AuditEntry.sequence.desc())
                .limit(2)
            )
        )
        since = sign_ins[1] if len(sign_ins) > 1 else 0
        failed = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action.startswith("sign_in.failed"), AuditEntry.sequence > since)
        )
        verified_at = session.scalar(
            select(AuditEntry.occurred_at)
            .where(AuditEntry.action == "database.verified")
            .order_by(AuditEntry.sequence.desc())
            .limit(1)
        )
        dsl_count = session.scalar(
            select(func.count())
            .select_from(Account)
            .where(Account.role == Role.DSL.value, Account.removed_at.is_(None))
        )
        accounts = session.scalar(
            select(func.count()).select_from(Account).where(Account.removed_at.is_(None))
        )
        entries = session.scalar(select(func.count()).select_from(AuditEntry))
        possible_leavers = session.scalar(
            select(func.count())
            .select_from(Person)
            .where(Person.possible_leaver_since.is_not(None), Person.leaving_date.is_(None))
        )
    return _Counts(
        failed_sign_ins=failed or 0,
        last_verified=datetime.fromisoformat(verified_at) if verified_at else None,
        dsls=dsl_count or 0,
        accounts=accounts or 0,
        audit_entries=entries or 0,
        possible_leavers=possible_leavers or 0,
    )


def _recovery_sheet_item(signed_in: SignedIn, settings: SchoolSettings) -> DashboardItem | None:
    """Without the sheet a lost password locks the school out of its own records."""
    if not can(signed_in.account.role, Permission.MANAGE_ACCOUNTS):
        return None
    if settings.recovery_sheet_kept is not None:
        return None
    return DashboardItem(
        "The recovery sheet has not been put away",
        "Without it, a lost password or a new PC means the records cannot be opened. "
        "Make a new recovery key, print the sheet and keep it in the school safe.",
        "Print a recovery sheet…",
        Target.RECOVERY_SHEET,
        urgency=Urgency.URGENT,
    )


def _failed_sign_ins_item(signed_in: SignedIn, failed: int) -> DashboardItem | None:
    """Wrong passwords since the last sign-in may be someone trying to get in."""
    if not failed or not can(signed_in.account.role, Permission.VIEW_AUDIT_LOG):
        return None
    return DashboardItem(
        f"{failed} failed sign-in{'s' if failed != 1 else ''} since you last signed in",
        "Someone typed a wrong password or an unknown account name. If it was not one "
        "of your colleagues, treat it as a possible data breach.",
        "See them in the audit log",
        Target.AUDIT_FAILED_SIGN_INS,
        urgency=Urgency.URGENT,
    )


def _verify_item(last_verified: datetime | None, now: datetime) -> DashboardItem | None:
    """A damaged page or a broken audit chain is found only by checking; monthly is enough."""
    if last_verified is not None and now - last_verified <= VERIFY_EVERY:
        return None
    when = (
        "has never been checked"
        if last_verified is None
        else (f"was last checked on {last_verified.astimezone():%d/%m/%Y}")
    )
    return DashboardItem(
        "Check the database",
        f"The database {when}. The check reads every page and the audit log and takes "
        "a few seconds.",
        "Check now",
        Target.VERIFY,
    )


def _open_cases_item(signed_in: SignedIn) -> DashboardItem | None:
    """Open cases: worth knowing, and to see to soon while any waits on the police."""
    from esafety_desktop.services.incidents import open_case_count

    open_cases = open_case_count(signed_in)
    if not open_cases:
        return None
    total = sum(open_cases.values())
    waiting = open_cases.get(IncidentStatus.AWAITING_POLICE, 0)
    return DashboardItem(
        f"{total} open case{'s' if total != 1 else ''}",
        ", ".join(f"{n} {s.label.lower()}" for s, n in sorted(open_cases.items()))
        + ". Keep each one's chronology up to date; close it with the outcome and "
        "lessons learned.",
        "Open the incidents",
        Target.INCIDENTS,
        urgency=Urgency.SOON if waiting else Urgency.NOTE,
    )


def _steps_among(found: list[ActionInfo]) -> str:
    """How many of ``found`` are steps of the flowchart still to do (a step to do is one of
    its case's actions), as a sentence; nothing when none is."""
    steps = sum(1 for a in found if a.step_id)
    if not steps:
        return ""
    if steps == len(found):
        return " All of them are steps of the flowchart." if steps > 1 else ""
    return f" {steps} of them {'are steps' if steps > 1 else 'is a step'} of the flowchart."


def _action_items(signed_in: SignedIn) -> list[DashboardItem]:
    """Case actions due within a week, then those overdue: one reading serves both (steps of
    the flowchart still to do among them)."""
    from esafety_desktop.services.incidents import actions as case_actions

    open_actions = case_actions(signed_in, open_only=True)
    today = signed_in.clock.today()
    late = [a for a in open_actions if a.overdue(today)]
    week = today + timedelta(days=7)
    soon = [a for a in open_actions if today <= a.due <= week]
    items = []
    if soon:
        items.append(
            DashboardItem(
                f"{len(soon)} action{'s' if len(soon) != 1 else ''} due in the next week",
                f"The first: {soon[0].title} ({soon[0].reference}, {soon[0].owner}, due "
                f"{soon[0].due:%d/%m/%Y})." + _steps_among(soon),
                "Open the incidents",
                Target.INCIDENTS,
            )
        )
    if late:
        first = late[0]
        items.append(
            DashboardItem(
                f"{len(late)} overdue action{'s' if len(late) != 1 else ''}",
                f"The oldest: {first.title} ({first.reference}, {first.owner}, due "
                f"{first.due:%d/%m/%Y})." + _steps_among(late),
                "Open the incidents",
                Target.INCIDENTS,
                urgency=Urgency.URGENT,
            )
        )
    return items


def _sign_off_item(signed_in: SignedIn) -> DashboardItem | None:
    """Closed cases wait for the headteacher's review and signature."""
    if signed_in.account.role is not Role.HEADTEACHER:
        return None
    from esafety_desktop.services.incidents import awaiting_sign_off

    unsigned = awaiting_sign_off(signed_in)
    if not unsigned:
        return None
    return DashboardItem(
        f"{unsigned} case{'s' if unsigned != 1 else ''} to review and sign off",
        "Read each case's chronology and sign it off with your comments.",
        "Open the incidents",
        Target.INCIDENTS,
    )


def _policy_review_item(signed_in: SignedIn) -> DashboardItem | None:
    """A month's notice of the policy's review date, urgent once it has passed."""
    from esafety_desktop.services.reports import policy_review_date

    review = policy_review_date(signed_in)
    today = signed_in.clock.today()
    if review is None or review - today > timedelta(days=30):
        return None
    passed = review < today
    return DashboardItem(
        "The online safety policy's review is "
        + ("overdue" if passed else f"due on {review:%d/%m/%Y}"),
        f"The review date set in Settings is {review:%d/%m/%Y}. Review the policy with "
        "the lessons learned from this year's cases, then set the next date.",
        "Open the settings",
        Target.POLICY_REVIEW,
        urgency=Urgency.URGENT if passed else Urgency.SOON,
    )


def _transfers_item(signed_in: SignedIn) -> DashboardItem | None:
    """Child protection files sent on whose receipt nobody has confirmed."""
    if not can(signed_in.account.role, Permission.RECORD_INCIDENTS):
        return None
    from esafety_desktop.services.transfers import unconfirmed

    late_files = unconfirmed(signed_in)
    if not late_files:
        return None
    oldest = late_files[-1]
    return DashboardItem(
        f"{len(late_files)} safeguarding file{'s' if len(late_files) != 1 else ''} "
        "not confirmed received",
        f"{oldest.pupil}'s file went to {oldest.sent_to} on {oldest.sent_on:%d/%m/%Y}; "
        "receipt should have been confirmed within five school days. Ring the new "
        "school's DSL.",
        "See the pupil",
        Target.TRANSFERS,
        urgency=Urgency.URGENT,
    )


def _possible_leavers_item(signed_in: SignedIn, possible_leavers: int) -> DashboardItem | None:
    """People missing from the last full-roll import may have left, and their files go on."""
    if not possible_leavers or not can(signed_in.account.role, Permission.MANAGE_PEOPLE):
        return None
    return DashboardItem(
        f"{possible_leavers} possible leaver{'s' if possible_leavers != 1 else ''} to confirm",
        "They were missing from the last full-roll import. Mark each as left (and send "
        "their child protection file on), or keep them on roll.",
        "See them",
        Target.POSSIBLE_LEAVERS,
        urgency=Urgency.URGENT,
    )


def _contacts_item(signed_in: SignedIn, settings: SchoolSettings) -> DashboardItem | None:
    """The incident steps show local contacts just when they are needed: fill them in."""
    missing = [c.label for c in settings.contacts if not c.national and not c.filled_in]
    if not missing or not can(signed_in.account.role, Permission.CHANGE_SETTINGS):
        return None
    return DashboardItem(
        "Local contacts are missing",
        f"No number or email yet for: {'; '.join(missing)}. They appear in the "
        "incident steps where you need them.",
        "Fill in contacts",
        Target.CONTACTS,
    )


def _passwords_item(signed_in: SignedIn) -> DashboardItem | None:
    """After the school's keys were upgraded, the other accounts cannot sign in until a DSL
    gives each a new password."""
    from esafety_desktop.services.accounts import accounts_needing_passwords

    waiting = accounts_needing_passwords(signed_in)
    if not waiting:
        return None
    names = ", ".join(f"{a.display_name} ({a.username})" for a in waiting)
    return DashboardItem(
        f"{len(waiting)} account{'s' if len(waiting) != 1 else ''} cannot sign in yet",
        f"Since the school's keys were upgraded they need a new password from you: {names}. "
        "Reset each password, then tell the person theirs.",
        "Reset passwords",
        Target.ACCOUNTS,
        urgency=Urgency.URGENT,
    )


def _second_manager_item(signed_in: SignedIn, dsls: int) -> DashboardItem | None:
    """With one DSL, nobody can reset their password or add accounts while they are away."""
    if not can(signed_in.account.role, Permission.MANAGE_ACCOUNTS) or dsls >= 2:
        return None
    return DashboardItem(
        "Only one person can manage accounts",
        "If you are away or forget your password, nobody else can add accounts or reset "
        "passwords. "
        "Give a second person (for example your deputy) the DSL role.",
        "Manage accounts",
        Target.ACCOUNTS,
    )


def _agreements_item(signed_in: SignedIn) -> DashboardItem | None:
    """Acceptable Use Agreements outstanding; staff and visitors without one are urgent (they
    should not be using school systems)."""
    from esafety_desktop.services.agreements import list_versions, register

    if not list_versions(signed_in):
        if not can(signed_in.account.role, Permission.KEEP_AGREEMENTS):
            return None
        return DashboardItem(
            "No Acceptable Use Agreements issued",
            "Everyone who uses school technology should sign one. Start from the app's "
            "agreements for staff, pupils, parents and visitors, and edit them to suit.",
            "Open the agreements",
            Target.AGREEMENTS,
        )
    outstanding = [r for r in register(signed_in) if not r.coverage.covered]
    if not outstanding:
        return None
    adults = [r for r in outstanding if r.kind in ("staff", "visitor")]
    detail = (
        f"{len(adults)} of them staff or visitors, who should not use school systems "
        if (adults)
        else ""
    )
    return DashboardItem(
        f"{len(outstanding)} Acceptable Use Agreement{'s' if len(outstanding) != 1 else ''} "
        "outstanding",
        (detail + "until they sign. " if detail else "")
        + "Print the forms for a class and record them as they come back.",
        "Open the agreements",
        Target.AGREEMENTS,
        urgency=Urgency.URGENT if adults else Urgency.SOON,
    )


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    key: str  # "2026-03" for a month, the incident type for a type


@open_to_every_role("counts of the cases this account may see")
def incident_bars(signed_in: SignedIn) -> tuple[list[Bar], list[Bar]]:
    """Cases reported in each of the last twelve months, and this school year's by type.

    Counted by the database (a school's whole list of cases is never loaded for two charts:
    with 20,000 cases that took a second each time the Dashboard was shown)."""
    from esafety_desktop.domain.incidents import incident_type_name
    from esafety_desktop.domain.school_year import school_year_containing
    from esafety_desktop.services.incidents import visible_to
    from esafety_desktop.services.settings import school_year_start
    from esafety_desktop.storage.models import Incident

    today = signed_in.clock.today()
    months: list[tuple[int, int]] = []
    year, month = today.year, today.month
    for _ in range(12):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    school_year = school_year_containing(today, school_year_start(signed_in))
    first_month = datetime(months[0][0], months[0][1], 1)
    month_of = func.strftime("%Y-%m", Incident.reported_at)
    from esafety_desktop.services.restricted_cases import every_store

    per_month: Counter[str] = Counter()
    per_type: dict[str | None, list[Any]] = {}
    for session in every_store(signed_in):  # the school's cases, then restricted ones held
        for month, count in session.execute(
            select(month_of, func.count())
            .where(visible_to(signed_in), Incident.reported_at >= first_month)
            .group_by(month_of)
        ).all():
            per_month[month] += count
        for kind, count, latest in session.execute(
            select(Incident.incident_type, func.count(), func.max(Incident.reported_at))
            .where(
                visible_to(signed_in),
                Incident.reported_at >= datetime.combine(school_year.start, datetime.min.time()),
                Incident.reported_at
                < datetime.combine(school_year.end + timedelta(days=1), datetime.min.time()),
            )
            .group_by(Incident.incident_type)
        ).all():
            seen = per_type.setdefault(kind, [0, latest])
            seen[0] += count
            seen[1] = max(seen[1], latest)
    ordered = sorted(per_type.items(), key=lambda kv: (kv[1][0], kv[1][1]), reverse=True)
    by_month = [
        Bar(
            date(y, m, 1).strftime("%b %y"),
            int(per_month.get(f"{y:04d}-{m:02d}", 0)),
            f"{y:04d}-{m:02d}",
        )
        for y, m in months
    ]
    by_type = [Bar(incident_type_name(kind), int(c), kind or "") for kind, (c, _) in ordered]
    return by_month, by_type


# Sign-out and daily backups make one nearly every school day; two days without one means they
# are failing (a full disk, a folder that cannot be written).
NO_BACKUP_FOR = timedelta(days=2)


def _backup_items(signed_in: SignedIn) -> list[DashboardItem]:
    from esafety_desktop.services.backups import backup_status

    if not can(signed_in.account.role, Permission.CHANGE_SETTINGS):
        return []
    status = backup_status(signed_in)
    now = signed_in.clock.now()
    items = []
    newest = status.newest_here
    if newest is not None and now - newest.made_at > NO_BACKUP_FOR:
        items.append(
            DashboardItem(
                f"No backup since {newest.made_at.astimezone():%d/%m/%Y}",
                "Backups on signing out and once a day have not been made. Make one now from "
                "Settings; if it fails, the message says why.",
                "Open backups",
                Target.BACKUPS,
                urgency=Urgency.URGENT,
            )
        )
    warning = status.second_location_warning(now)
    if warning:
        items.append(
            DashboardItem(
                "Backups are not reaching a second location"
                if status.second_location
                else "Backups are kept on this PC only",
                warning,
                "Open backups",
                Target.BACKUPS,
                urgency=Urgency.URGENT if status.second_location is not None else Urgency.SOON,
            )
        )
    return items
