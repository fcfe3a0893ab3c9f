"""Exporting a pack: the cases offered and ticked, the pack file and its one-time passphrase."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from esafety_desktop.domain.recovery_key import (
    new_passphrase,
    parse_passphrase,
)
from esafety_desktop.domain.roles import Permission, Role
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.storage.models import Account, Evidence, Incident, IncidentEntry, ReviewPack
from esafety_desktop.storage.review_pack import (
    PackCase as PackCase,  # what review mode shows
)
from esafety_desktop.storage.review_pack import (
    PackEntry as PackEntry,
)
from esafety_desktop.storage.review_pack import (
    PackFile,
    pack_key,
    record_hash,
)

if TYPE_CHECKING:
    pass


# -- exporting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedPack:
    path: Path
    passphrase: str  # shown once, never stored as it is
    references: list[str]
    left_out: list[str]  # references of allegations about the headteacher, never exported
    # Restricted cases never put in a pack by this account (none of them an allegation about
    # the headteacher, counted in ``left_out``): kept from a headteacher's account, or sealed
    # from this account.
    restricted_left_out: int = 0

    def left_out_words(self) -> str:
        """What was left out, in words ("" when nothing was)."""
        return _left_out_words(len(self.left_out), self.restricted_left_out, "was", "were")


EXPORTED = "review_pack.exported"


@dataclass(frozen=True)
class _Headteachers:
    ids: set[int]  # accounts that are (or were) a headteacher: allegations about them
    names: set[str]  # the active headteachers' recipient names ("account:…"): cases kept from them


def _headteachers(signed_in: SignedIn) -> _Headteachers:
    """The headteachers' accounts, as the school's signed roster says (the ``account`` table's
    role is not trusted: anyone holding the data key can change it). An account not on the
    roster (waiting for a new password since the keys were upgraded), and every account of a
    school from before per-account keys, is taken as the ``account`` table says."""
    from esafety_desktop.services.school_keys import roster_state
    from esafety_desktop.storage.key_file import recipient_of

    head = Role.HEADTEACHER.value
    state = roster_state(signed_in.database.key_slots)
    on_roster = {recipient_of(name): m for name, m in state.members.items()} if state else {}
    ids: set[int] = set()
    names = {name for name, m in on_roster.items() if m.role == head and m.active}
    with signed_in.database.reading() as session:
        rows = session.execute(
            select(Account.id, Account.username, Account.role, Account.removed_at)
        ).all()
    for account_id, username, role, removed_at in rows:
        name = recipient_of(username)
        member = on_roster.get(name)
        if member is not None:
            if member.role == head:
                ids.add(account_id)
        elif role == head:
            ids.add(account_id)
            if removed_at is None:
                names.add(name)
    return _Headteachers(ids, names)


def head_allegations(signed_in: SignedIn) -> set[int]:
    """Cases that are allegations about a headteacher's account (never put in a pack), in the
    school database and among the restricted cases this account holds."""
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    from esafety_desktop.services.restricted_cases import every_store

    heads = _headteachers(signed_in).ids
    found: set[int] = set()
    if not heads:
        return found
    for session in every_store(signed_in):
        found.update(
            session.scalars(select(Incident.id).where(Incident.concerns_account_id.in_(heads)))
        )
    return found


def kept_from_the_head(signed_in: SignedIn) -> set[int]:
    """The restricted cases this account holds that are kept from a headteacher's account
    (never put in a pack: the pack is for the headteacher)."""
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    from esafety_desktop.services.restricted_cases import state_of
    from esafety_desktop.storage.key_file import recipient_of

    state = state_of(signed_in)
    if not state.held:
        return set()
    heads = _headteachers(signed_in).names
    return {
        -number
        for number, held in state.held.items()
        if heads & {recipient_of(str(name)) for name in held.document.get("kept_from", [])}
    }


def sealed_exports(signed_in: SignedIn, pack_id: str) -> dict[int, str]:
    """The restricted cases this account holds that went into pack ``pack_id``, each with the
    SHA-256 of its record in the pack: the school database keeps neither (the export is
    recorded inside each case's seal)."""
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    from esafety_desktop.services.restricted_cases import state_of

    found: dict[int, str] = {}
    for number, held in state_of(signed_in).held.items():
        for said in held.document.get("history", []):
            details = said.get("details") if isinstance(said, dict) else None
            if (
                said.get("action") == EXPORTED
                and isinstance(details, dict)
                and details.get("pack") == pack_id
            ):
                found[-number] = str(details.get("sha256", ""))
    return found


def never_in_a_pack(signed_in: SignedIn) -> tuple[set[int], int]:
    """The cases this account holds that may never go in a pack (allegations about the
    headteacher, restricted cases kept from a headteacher), and how many of the restricted
    cases left out are not allegations about the headteacher (those kept from the headteacher
    for another reason, and those this account cannot open)."""
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    from esafety_desktop.services.restricted_cases import left_out

    about_the_head = head_allegations(signed_in)
    kept = kept_from_the_head(signed_in) - about_the_head
    return about_the_head | kept, len(kept) + left_out(signed_in)


def _left_out_words(about_the_head: int, restricted: int, singular: str, plural: str) -> str:
    said = []
    if about_the_head:
        said.append(
            f"{about_the_head} allegation{'s' if about_the_head != 1 else ''} about the "
            f"headteacher {singular if about_the_head == 1 else plural} left out."
        )
    if restricted:
        said.append(
            f"{restricted} restricted case{'s' if restricted != 1 else ''} "
            f"{singular if restricted == 1 else plural} left out: kept from the headteacher, "
            "or not open to this account."
        )
    return " ".join(said)


def cases_for_review(signed_in: SignedIn) -> list[int]:
    """The cases a new pack ticks at first (see :func:`review_choice` for which and why), in
    the order the export dialog lists them; never an allegation about the headteacher."""
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    return [case.incident_id for case in review_choice(signed_in).cases if case.suggested]


def export_review_pack(
    signed_in: SignedIn,
    incident_ids: list[int],
    reviewer: str,
    out: Path,
    *,
    with_files: bool = False,
) -> ExportedPack:
    """``with_files`` adds the evidence files (screenshots); otherwise only their descriptions
    (which name each file's SHA-256) travel."""
    from esafety_desktop.reports.incident_record import record_as_json
    from esafety_desktop.services.incidents import incident_record_data
    from esafety_desktop.services.settings import school_settings

    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    reviewer = reviewer.strip()
    if not reviewer:
        raise InvalidInput("Say who will review the cases (for example the headteacher's name).")
    about_the_head = head_allegations(signed_in)
    excluded, restricted_left_out = never_in_a_pack(signed_in)
    chosen = [i for i in dict.fromkeys(incident_ids) if i not in excluded]
    left_out = [_reference(signed_in, i) for i in incident_ids if i in about_the_head]
    if not chosen:
        raise InvalidInput(
            "There are no cases to put in the pack."
            + (" Allegations about the headteacher are never included." if left_out else "")
            + (
                " A restricted case kept from the headteacher is never included."
                if set(incident_ids) & (excluded - about_the_head)
                else ""
            )
        )
    cases = []
    for incident_id in chosen:
        record = incident_record_data(signed_in, incident_id)
        cases.append((incident_id, record.reference, record_as_json(record)))
    passphrase = new_passphrase()
    key = pack_key(parse_passphrase(passphrase))
    pack_id = uuid.uuid4().hex
    now = signed_in.clock.now()
    info = {
        "pack_id": pack_id,
        "database_id": signed_in.database.database_id,
        "school_name": school_settings(signed_in).school_name,
        "exported_at": now.isoformat(timespec="seconds"),
        "exported_by": signed_in.account.display_name,
        "reviewer": reviewer,
    }
    out = Path(out)
    files = _evidence_files(signed_in, chosen) if with_files else []
    # What the school database keeps in clear names only its own cases: a restricted case's
    # part in the pack (its reference, its record's hash) is recorded inside its own seal.
    school = [(i, ref, rec) for i, ref, rec in cases if i >= 0]
    restricted = [(i, ref, rec) for i, ref, rec in cases if i < 0]
    # The allegations about the headteacher among the restricted cases are counted in clear
    # only as restricted cases left out (the headteacher can read the audit log).
    about_the_head_in_clear = sum(1 for i in about_the_head if i >= 0)
    restricted_in_clear = restricted_left_out + len(about_the_head) - about_the_head_in_clear
    PackFile.write(out, key, info, cases, files)
    try:
        _record_in_seals(signed_in, restricted, files, pack_id, reviewer, out.name)
        with signed_in.database.transaction() as session:
            session.add(
                ReviewPack(
                    pack_id=pack_id,
                    exported_at=signed_in.clock.utc_now(),
                    exported_by_id=signed_in.account.id,
                    exported_by_name=signed_in.account.display_name,
                    reviewer=reviewer,
                    pack_key=key.hex(),
                    cases=json.dumps({str(i): record_hash(rec) for i, _ref, rec in school}),
                )
            )
            signed_in.record(
                session,
                EXPORTED,
                subject_type="review_pack",
                subject_id=pack_id,
                details={
                    "cases": [ref for _i, ref, _rec in school],
                    "reviewer": reviewer,
                    "file": out.name,
                    "evidence_files": sum(1 for i, _name, _data in files if i >= 0),
                    "left_out_allegations_about_the_head": about_the_head_in_clear,
                    **(
                        {"left_out_restricted_cases": restricted_in_clear}
                        if restricted_in_clear
                        else {}
                    ),
                },
            )
    except BaseException:
        out.unlink(missing_ok=True)  # a pack the school has no record of could never come back
        raise
    return ExportedPack(
        out, passphrase, [ref for _i, ref, _rec in cases], left_out, restricted_left_out
    )


def _record_in_seals(
    signed_in: SignedIn,
    restricted: list[tuple[int, str, str]],
    files: list[tuple[int, str, bytes]],
    pack_id: str,
    reviewer: str,
    file_name: str,
) -> None:
    """The export, in the history of each restricted case in the pack (sealed with it), with
    what the import checks the case against: the SHA-256 of its record in the pack."""
    from esafety_desktop.services.restricted_cases import store_for

    for incident_id, reference, record in restricted:
        with store_for(signed_in, incident_id).transaction() as session:
            signed_in.record(
                session,
                EXPORTED,
                subject_type="incident",
                subject_id=incident_id,
                details={
                    "pack": pack_id,
                    "reference": reference,
                    "sha256": record_hash(record),
                    "reviewer": reviewer,
                    "file": file_name,
                    "evidence_files": sum(1 for i, _name, _data in files if i == incident_id),
                },
            )


def evidence_file_count(signed_in: SignedIn, incident_ids: list[int]) -> int:
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    return len(_evidence_files(signed_in, incident_ids))


def _evidence_files(signed_in: SignedIn, incident_ids: list[int]) -> list[tuple[int, str, bytes]]:
    """The evidence files of the cases, the school database's first, then each restricted
    case's (read in its own store)."""
    from esafety_desktop.services.restricted_cases import store_for

    found: list[tuple[int, str, bytes]] = []
    school = [i for i in incident_ids if i >= 0]
    stores = [(signed_in.database, school)] if school else []
    stores += [(store_for(signed_in, i), [i]) for i in dict.fromkeys(incident_ids) if i < 0]
    for store, ids in stores:
        with store.reading() as session:
            rows = session.execute(
                select(Evidence.incident_id, Evidence.file_name, Evidence.content)
                .where(Evidence.incident_id.in_(ids), Evidence.content.is_not(None))
                .order_by(Evidence.id)
            ).all()
        found += [(int(i), str(name or "evidence"), bytes(data or b"")) for i, name, data in rows]
    return found


def _reference(signed_in: SignedIn, incident_id: int) -> str:
    from esafety_desktop.services.restricted_cases import store_for

    with store_for(signed_in, incident_id).reading() as session:
        return str(session.scalar(select(Incident.reference).where(Incident.id == incident_id)))


RECENT_DAYS = 90  # a closed case changed within this many days is listed with the open ones


@dataclass(frozen=True)
class CaseForReview:
    """A case as the export dialog lists it, and whether it is ticked at first."""

    incident_id: int
    reference: str
    incident_type: str  # its name, as the lists show it
    status: str  # its label
    closed: bool
    reported_at: datetime  # local, as recorded
    last_changed: datetime  # local: its latest chronology entry (or when it was recorded)
    signed_off_at: datetime | None  # local: its latest sign-off (a "review" entry)
    noted_at: datetime | None  # local: its latest other review entry (comment, "reviewed")
    needs_review: bool  # never signed off, or changed since its latest sign-off
    suggested: bool  # ticked when the dialog opens

    @property
    def reviewed(self) -> str:
        """Whether it was reviewed, in words: what the dialog's "Reviewed" column says."""
        if self.signed_off_at is not None:
            said = f"Signed off {self.signed_off_at:%d/%m/%Y}"
            return said + ("; changed since" if self.needs_review else "")
        if self.noted_at is not None:
            return f"Seen {self.noted_at:%d/%m/%Y}, not signed off"
        return "Not yet"


@dataclass(frozen=True)
class ReviewChoice:
    cases: list[CaseForReview]  # open cases, then recently closed ones, then older closed ones
    left_out: int  # allegations about the headteacher: never offered, never put in a pack
    last_pack: datetime | None  # local: when the latest pack was exported (None: no pack yet)
    # Other restricted cases never offered: kept from a headteacher's account, or sealed from
    # this account (see :func:`never_in_a_pack`).
    restricted_left_out: int = 0

    def left_out_words(self) -> str:
        """What is never offered, in words ("" when nothing is)."""
        return _left_out_words(self.left_out, self.restricted_left_out, "is", "are")


def review_choice(signed_in: SignedIn) -> ReviewChoice:
    """The cases a DSL may put in a pack, as the export dialog lists and ticks them.

    Listed: open cases first (any status but closed), then closed cases changed in the last
    :data:`RECENT_DAYS` days of the session's clock, then older closed cases; the most recently
    changed first within each; the restricted cases this account holds with the school's.
    Allegations about the headteacher, and restricted cases kept from a headteacher's account,
    are never listed (only counted).

    Ticked at first: the cases that still need the head's sign-off (none yet, or the case
    changed after its latest sign-off; a review note or a comment is no sign-off) and that are
    open, or changed since the latest pack was exported, or were in that pack. So a case the
    head did not sign off is ticked again in the next pack, while closed cases long finished
    are not ticked. Before the first pack, "changed since" means within :data:`RECENT_DAYS`
    days.
    """
    signed_in.require(Permission.EXPORT_REVIEW_PACKS)
    from datetime import timedelta

    from sqlalchemy import case

    from esafety_desktop.domain.incidents import IncidentStatus, incident_type_name
    from esafety_desktop.services.incidents import visible_to

    def local(utc_naive: datetime) -> datetime:
        return utc_naive.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)

    entry = IncidentEntry
    review_kinds = ("review", "review_note")
    now = signed_in.clock.utc_now()
    recent = now - timedelta(days=RECENT_DAYS)
    from esafety_desktop.services.restricted_cases import every_store

    about_the_head = head_allegations(signed_in)
    excluded, restricted_left_out = never_in_a_pack(signed_in)
    with signed_in.database.reading() as session:
        latest = session.execute(
            select(ReviewPack.exported_at, ReviewPack.cases, ReviewPack.pack_id).order_by(
                ReviewPack.exported_at.desc(), ReviewPack.id.desc()
            )
        ).first()
    last_pack = latest.exported_at if latest is not None else None
    since = last_pack if last_pack is not None else recent
    in_last_pack = {int(i) for i in json.loads(latest.cases or "{}")} if latest else set()
    if latest is not None:  # the restricted cases in it: recorded in their own seals
        in_last_pack |= set(sealed_exports(signed_in, latest.pack_id))
    stats = (
        select(
            entry.incident_id,
            func.max(entry.recorded_at).label("changed"),
            func.max(case((entry.kind.not_in(review_kinds), entry.recorded_at))).label("worked"),
            func.max(case((entry.kind == "review", entry.recorded_at))).label("signed"),
            func.max(case((entry.kind == "review_note", entry.recorded_at))).label("noted"),
        )
        .group_by(entry.incident_id)
        .subquery()
    )
    found = []
    # The school's cases, then the restricted cases this account holds.
    for session in every_store(signed_in):
        rows = session.execute(
            select(
                Incident,
                stats.c.changed,
                stats.c.worked,
                stats.c.signed,
                stats.c.noted,
            )
            .outerjoin(stats, stats.c.incident_id == Incident.id)
            .where(visible_to(signed_in))
        ).all()
        for incident, changed, worked, signed, noted in rows:
            if incident.id in excluded:
                continue
            changed = max(changed or incident.created_at, incident.created_at)
            worked = max(worked or incident.created_at, incident.created_at)
            closed = incident.status == IncidentStatus.CLOSED.value
            needs_review = signed is None or signed < worked
            found.append(
                (
                    0 if not closed else 1 if changed >= recent else 2,
                    changed,
                    CaseForReview(
                        incident_id=incident.id,
                        reference=incident.reference,
                        incident_type=incident_type_name(incident.incident_type),
                        status=IncidentStatus(incident.status).label,
                        closed=closed,
                        reported_at=incident.reported_at,
                        last_changed=local(changed),
                        signed_off_at=local(signed) if signed else None,
                        noted_at=local(noted) if noted else None,
                        needs_review=needs_review,
                        suggested=needs_review
                        and (not closed or changed > since or incident.id in in_last_pack),
                    ),
                )
            )
    found.sort(key=lambda f: (f[0], -f[1].timestamp(), f[2].reference))
    return ReviewChoice(
        cases=[f[2] for f in found],
        left_out=len(about_the_head),
        last_pack=local(last_pack) if last_pack is not None else None,
        restricted_left_out=restricted_left_out,
    )
