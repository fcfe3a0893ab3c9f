"""The Acceptable Use Agreement register: agreements and their versions, signatures (never
changed: corrections replace them), and who is covered on a given day.

The rules themselves live in ``domain.aup``; this module loads what they need, records what
the school does, and writes the audit log.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.aup import (
    DEFAULT_RULES,
    Audience,
    Coverage,
    HowSigned,
    PersonFacts,
    RenewalRule,
    Signed,
    Version,
    audience_of,
    content_hash,
    coverage,
)
from esafety_desktop.domain.people import display_name
from esafety_desktop.domain.roles import Permission
from esafety_desktop.domain.school_year import DEFAULT_START
from esafety_desktop.errors import InvalidInput
from esafety_desktop.paths import resources_dir
from esafety_desktop.reports.agreement_forms import (
    Agreement,
    CoverageLine,
    FormFor,
    OutstandingLine,
    access_list_pdf,
    coverage_summary_pdf,
    forms_pdf,
)
from esafety_desktop.services.access import SignedIn, read_setting, utc_now, write_setting
from esafety_desktop.services.exports import printing
from esafety_desktop.storage.models import AupSignature, AupVersion, Person

YEAR_START_SETTING = "school_year_start"


@dataclass(frozen=True)
class AgreementVersion:
    id: int
    audience: Audience
    label: str
    effective_from: date
    text: str
    sha256: str
    pdf_name: str | None
    signatures: int

    @property
    def facts(self) -> Version:
        return Version(self.id, self.audience, self.label, self.effective_from)


@dataclass(frozen=True)
class SignatureRecord:
    id: int
    version_label: str
    audience: Audience
    signed_on: date
    how: HowSigned
    parent_signed: bool
    laptop: str | None
    recorded_by: str
    recorded_at: datetime
    replaced: bool  # a later correction replaced or withdrew it
    withdrawn: bool  # this row withdraws the one it replaces
    why: str  # the reason given for a correction


@dataclass(frozen=True)
class PersonCoverage:
    person_id: int
    name: str
    kind: str
    audience: Audience
    year_group: str | None
    class_name: str | None
    laptop: str | None
    coverage: Coverage


# -- settings ------------------------------------------------------------------------------


def school_year_start(signed_in: SignedIn) -> tuple[int, int]:
    """The day the school year starts (month, day): 1 September unless the school says."""
    with signed_in.database.reading() as session:
        saved = read_setting(session, YEAR_START_SETTING)
    return (int(saved[0]), int(saved[1])) if saved else DEFAULT_START


def set_school_year_start(signed_in: SignedIn, month: int, day: int) -> None:
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


PARENTS_SIGN_SETTING = "aup_parents_sign"
PARENTS_SIGN = {
    "younger": "for pupils in Nursery to Year 2",
    "all": "for every pupil",
    "none": "never",
}


def parents_sign(signed_in: SignedIn) -> str:
    """Whose forms a parent or carer signs too: "younger" (the default), "all" or "none"."""
    with signed_in.database.reading() as session:
        saved = read_setting(session, PARENTS_SIGN_SETTING)
    return str(saved) if saved in PARENTS_SIGN else "younger"


def set_parents_sign(signed_in: SignedIn, choice: str) -> None:
    signed_in.require(Permission.CHANGE_SETTINGS)
    if choice not in PARENTS_SIGN:
        raise InvalidInput("Choose whose forms a parent or carer signs.")
    if choice == parents_sign(signed_in):
        return
    with signed_in.database.transaction() as session:
        write_setting(session, PARENTS_SIGN_SETTING, choice)
        signed_in.record(session, "settings.aup_parents_sign", details={"choice": choice})


def renewal_rules(signed_in: SignedIn) -> dict[Audience, RenewalRule]:
    """The policies' rules, with the school's choice of whose forms a parent signs too."""
    from dataclasses import replace

    choice = parents_sign(signed_in)
    rules = dict(DEFAULT_RULES)
    rules[Audience.YOUNGER_PUPILS] = replace(
        rules[Audience.YOUNGER_PUPILS], parent_countersigns=choice in ("younger", "all")
    )
    rules[Audience.OLDER_PUPILS] = replace(
        rules[Audience.OLDER_PUPILS], parent_countersigns=choice == "all"
    )
    return rules


# -- agreements ----------------------------------------------------------------------------


def starter_text(audience: Audience) -> str:
    """The app's own starter wording for an audience, which the school edits."""
    return (resources_dir() / "aup" / f"{audience.value}.txt").read_text(encoding="utf-8")


def list_versions(signed_in: SignedIn) -> list[AgreementVersion]:
    with signed_in.database.reading() as session:
        return _versions(session)


def add_version(
    signed_in: SignedIn,
    audience: Audience,
    label: str,
    effective_from: date,
    text: str,
    *,
    pdf: bytes | None = None,
    pdf_name: str = "",
) -> int:
    """A new version of an audience's agreement: its text, or an imported PDF kept encrypted.
    Everyone in that audience signs again once it takes effect."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    label = label.strip()
    if not label:
        raise InvalidInput("Give the version a label, for example 2026/27.")
    if pdf is not None and not pdf.startswith(b"%PDF"):
        raise InvalidInput(f"{pdf_name or 'That file'} is not a PDF.")
    if pdf is None and not text.strip():
        raise InvalidInput("Write the agreement's text, or import it as a PDF.")
    with signed_in.database.transaction() as session:
        taken = session.scalar(
            select(AupVersion.id).where(
                AupVersion.audience == audience.value, AupVersion.label == label
            )
        )
        if taken is not None:
            raise InvalidInput(f"The {audience.label.lower()}' agreement already has {label}.")
        version = AupVersion(
            audience=audience.value,
            label=label,
            effective_from=effective_from,
            text=text.strip(),
            pdf=pdf,
            pdf_name=pdf_name or None,
            sha256=content_hash(pdf if pdf is not None else text.strip().encode("utf-8")),
            created_by_id=signed_in.account.id,
            created_at=utc_now(),
        )
        session.add(version)
        session.flush()
        signed_in.record(
            session,
            "agreement.version_added",
            subject_type="aup_version",
            subject_id=version.id,
            details={
                "audience": audience.value,
                "label": label,
                "from": effective_from.isoformat(),
                "sha256": version.sha256,
            },
        )
        return version.id


def change_version_text(signed_in: SignedIn, version_id: int, text: str) -> None:
    """Correct a version's wording, only while nobody has signed it."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    if not text.strip():
        raise InvalidInput("The agreement's text cannot be empty.")
    with signed_in.database.transaction() as session:
        version = session.get(AupVersion, version_id)
        if version is None:
            raise InvalidInput("That agreement no longer exists.")
        signed = session.scalar(
            select(AupSignature.id).where(AupSignature.version_id == version_id).limit(1)
        )
        if signed is not None:
            raise InvalidInput(
                "People have signed this version, so its wording cannot change. "
                "Add a new version instead; everyone then signs again."
            )
        if version.pdf is not None:
            raise InvalidInput("This version is an imported PDF: import a new version instead.")
        version.text = text.strip()
        version.sha256 = content_hash(version.text.encode("utf-8"))
        signed_in.record(
            session,
            "agreement.text_changed",
            subject_type="aup_version",
            subject_id=version_id,
            details={"sha256": version.sha256},
        )


def issue_starter_agreements(signed_in: SignedIn, effective_from: date, label: str) -> None:
    """One version for every audience from the app's starter texts."""
    for audience in Audience:
        add_version(signed_in, audience, label, effective_from, starter_text(audience))


def version_pdf(signed_in: SignedIn, version_id: int) -> bytes | None:
    with signed_in.database.reading() as session:
        version = session.get(AupVersion, version_id)
        return version.pdf if version is not None else None


# -- signatures ----------------------------------------------------------------------------


def record_signatures(
    signed_in: SignedIn,
    person_ids: list[int],
    signed_on: date,
    how: HowSigned = HowSigned.PAPER,
    *,
    parent_signed: bool = False,
) -> int:
    """Record signed forms for several people at once (all or none): each signs the version of
    their audience's agreement in force on the day. Returns how many were recorded."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    if signed_on > date.today():
        raise InvalidInput("The date signed is in the future.")
    if not person_ids:
        raise InvalidInput("Tick at least one person whose signed form came back.")
    with signed_in.database.transaction() as session:
        versions = [v.facts for v in _versions(session)]
        now = utc_now()
        for person_id in dict.fromkeys(person_ids):
            person = session.get(Person, person_id)
            if person is None:
                raise InvalidInput("One of the people is not in the register.")
            audience = audience_of(person.kind, person.year_group)
            name = display_name(person.forename, person.surname, person.preferred_name)
            version = _in_force(versions, audience, signed_on)
            if version is None:
                raise InvalidInput(
                    f"{name}: no agreement for {audience.label.lower() if audience else 'them'} "
                    f"had taken effect by {signed_on:%d/%m/%Y}."
                )
            session.add(
                AupSignature(
                    person_id=person_id,
                    version_id=version.id,
                    signed_on=signed_on,
                    how=how.value,
                    parent_signed=parent_signed,
                    laptop=person.laptop_asset_tag or None,
                    recorded_by_id=signed_in.account.id,
                    recorded_by_name=signed_in.account.display_name,
                    recorded_at=now,
                    withdrawn=False,
                    why="",
                )
            )
        signed_in.record(
            session,
            "agreement.signatures_recorded",
            details={"people": len(set(person_ids)), "signed_on": signed_on.isoformat()},
        )
    return len(set(person_ids))


def correct_signature(
    signed_in: SignedIn,
    signature_id: int,
    why: str,
    *,
    signed_on: date | None = None,
    parent_signed: bool | None = None,
    withdraw: bool = False,
) -> None:
    """Correct a signature (another date, the parent's signature) or withdraw one recorded in
    error. The original stays, shown as corrected, with who, when and why."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    if not why.strip():
        raise InvalidInput("Say why the signature is being corrected.")
    with signed_in.database.transaction() as session:
        original = session.get(AupSignature, signature_id)
        if original is None:
            raise InvalidInput("That signature does not exist.")
        if session.scalar(select(AupSignature.id).where(AupSignature.replaces_id == signature_id)):
            raise InvalidInput("That signature has already been corrected: correct the newer one.")
        when = signed_on or original.signed_on
        if when > date.today():
            raise InvalidInput("The date signed is in the future.")
        correction = AupSignature(
            person_id=original.person_id,
            version_id=original.version_id,
            signed_on=when,
            how=original.how,
            parent_signed=original.parent_signed if parent_signed is None else parent_signed,
            laptop=original.laptop,
            recorded_by_id=signed_in.account.id,
            recorded_by_name=signed_in.account.display_name,
            recorded_at=utc_now(),
            replaces_id=original.id,
            withdrawn=withdraw,
            why=why.strip(),
        )
        session.add(correction)
        session.flush()
        signed_in.record(
            session,
            "agreement.signature_withdrawn" if withdraw else "agreement.signature_corrected",
            subject_type="person",
            subject_id=original.person_id,
            details={"signature": original.id, "why": why.strip()},
        )


def signature_history(signed_in: SignedIn, person_id: int) -> list[SignatureRecord]:
    """Every signature row for a person, oldest first, corrections included."""
    with signed_in.database.reading() as session:
        versions = {v.id: v for v in _versions(session)}
        rows = list(
            session.scalars(
                select(AupSignature)
                .where(AupSignature.person_id == person_id)
                .order_by(AupSignature.id)
            )
        )
        replaced = {r.replaces_id for r in rows if r.replaces_id is not None}
        return [
            SignatureRecord(
                id=r.id,
                version_label=versions[r.version_id].label,
                audience=versions[r.version_id].audience,
                signed_on=r.signed_on,
                how=HowSigned(r.how),
                parent_signed=r.parent_signed,
                laptop=r.laptop,
                recorded_by=r.recorded_by_name,
                recorded_at=r.recorded_at,
                replaced=r.id in replaced,
                withdrawn=r.withdrawn,
                why=r.why,
            )
            for r in rows
        ]


# -- the register --------------------------------------------------------------------------


def register(signed_in: SignedIn, day: date | None = None) -> list[PersonCoverage]:
    """Everyone who signs an agreement, on roll on ``day`` (today), with their coverage."""
    day = day or date.today()
    start = school_year_start(signed_in)
    rules = renewal_rules(signed_in)
    with signed_in.database.reading() as session:
        versions = [v.facts for v in _versions(session)]
        signatures = _current_signatures(session)
        people = list(session.scalars(select(Person).order_by(Person.surname, Person.forename)))
        facts = [_facts(p) for p in people]
    found = []
    for person_id, name, class_name, person in facts:
        audience = audience_of(person.kind, person.year_group)
        result = coverage(person, versions, signatures.get(person_id, []), day, rules, start)
        if audience is None or not result.applies:
            continue  # left, not started, or no agreement issued for their group
        found.append(
            PersonCoverage(
                person_id=person_id,
                name=name,
                kind=person.kind,
                audience=audience,
                year_group=person.year_group,
                class_name=class_name,
                laptop=person.laptop,
                coverage=result,
            )
        )
    return found


def _facts(p: Person) -> tuple[int, str, str | None, PersonFacts]:
    """What the rules need of a person, read while the session is open."""
    return (
        p.id,
        display_name(p.forename, p.surname, p.preferred_name),
        p.class_name,
        PersonFacts(p.kind, p.year_group, p.start_date, p.leaving_date, p.laptop_asset_tag),
    )


def person_coverage(signed_in: SignedIn, person_id: int, day: date | None = None) -> Coverage:
    day = day or date.today()
    with signed_in.database.reading() as session:
        p = session.get(Person, person_id)
        if p is None:
            raise InvalidInput("That person is not in the register.")
        facts = _facts(p)[3]
        versions = [v.facts for v in _versions(session)]
        signatures = _current_signatures(session, person_id)
    return coverage(
        facts,
        versions,
        signatures.get(person_id, []),
        day,
        renewal_rules(signed_in),
        school_year_start(signed_in),
    )


@dataclass(frozen=True)
class CoverageCount:
    group: str  # "Staff and volunteers", "Class 4B", "Year 4"…
    signed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.signed / self.total) if self.total else 100


def coverage_counts(rows: list[PersonCoverage]) -> list[CoverageCount]:
    """Counts and percentages per audience, then per year group and class for pupils."""
    from esafety_desktop.domain.mis_import import YEAR_GROUP_LABELS
    from esafety_desktop.domain.school_year import YEAR_ORDER

    groups: Counter[str] = Counter()
    signed: Counter[str] = Counter()
    order: dict[str, tuple[int, int, str]] = {}
    for row in rows:
        keys = [(row.audience.label, (list(Audience).index(row.audience), 0, ""))]
        if row.kind == "pupil" and row.year_group:
            rank = YEAR_ORDER.index(row.year_group) if row.year_group in YEAR_ORDER else 99
            label = YEAR_GROUP_LABELS.get(row.year_group, row.year_group)
            keys.append((f"  {label}", (5, rank, "")))
            if row.class_name:
                keys.append((f"    Class {row.class_name}", (5, rank, row.class_name)))
        for key, rank_key in keys:
            groups[key] += 1
            signed[key] += row.coverage.covered
            order[key] = rank_key
    return [CoverageCount(k, signed[k], groups[k]) for k in sorted(groups, key=order.__getitem__)]


def cleared_for_access(signed_in: SignedIn, day: date | None = None) -> list[PersonCoverage]:
    """Staff, pupils and visitors whose agreement is in order: who IT may let log on."""
    return [
        r
        for r in register(signed_in, day)
        if r.kind in ("staff", "pupil", "visitor") and r.coverage.covered
    ]


def cleared_csv(signed_in: SignedIn, day: date | None = None) -> bytes:
    """The cleared list as CSV for IT (name, type, year, class, laptop); audited."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    rows = cleared_for_access(signed_in, day)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Name", "Type", "Year group", "Class", "Laptop", "Agreement"])
    for r in rows:
        writer.writerow(
            [
                _safe_cell(r.name),
                r.kind,
                r.year_group or "",
                _safe_cell(r.class_name or ""),
                _safe_cell(r.laptop or ""),
                r.coverage.reason,
            ]
        )
    with signed_in.database.transaction() as session:
        signed_in.record(session, "agreement.cleared_list_exported", details={"people": len(rows)})
    return out.getvalue().encode("utf-8-sig")  # Excel reads the BOM as UTF-8


def save_cleared_csv(signed_in: SignedIn, path: Path, day: date | None = None) -> None:
    from esafety_desktop.storage.files import write_atomically

    write_atomically(path, cleared_csv(signed_in, day))


# -- printing ----------------------------------------------------------------------------


def classes(signed_in: SignedIn) -> list[str]:
    """The classes of the pupils on roll, in year-group order."""
    from esafety_desktop.domain.school_year import YEAR_ORDER

    with signed_in.database.reading() as session:
        found = {
            (year, name or "")
            for year, name in session.execute(
                select(Person.year_group, Person.class_name).where(
                    Person.kind == "pupil",
                    Person.leaving_date.is_(None),
                    Person.class_name.is_not(None),
                )
            )
        }

    def rank(item: tuple[str | None, str]) -> tuple[int, str]:
        year, name = item
        return (YEAR_ORDER.index(year) if year in YEAR_ORDER else 99, name)

    return list(dict.fromkeys(name for _, name in sorted(found, key=rank) if name))


def pupil_forms(signed_in: SignedIn, class_name: str | None = None) -> bytes:
    """Pre-filled forms for one class (or every class, in order), one per pupil: their
    agreement, their name and class, their parents' and carers' names, and signature lines."""
    from esafety_desktop.storage.models import PersonLink

    wanted = [class_name] if class_name else classes(signed_in)
    day = date.today()
    pages = []
    with signed_in.database.reading() as session:
        versions = _versions(session)
        for name_of_class in wanted:
            pupils = session.scalars(
                select(Person)
                .where(
                    Person.kind == "pupil",
                    Person.class_name == name_of_class,
                    Person.leaving_date.is_(None),
                )
                .order_by(Person.surname, Person.forename)
            ).all()
            for pupil in pupils:
                agreement = _agreement(versions, audience_of(pupil.kind, pupil.year_group), day)
                parents = session.scalars(
                    select(Person)
                    .join(PersonLink, PersonLink.parent_id == Person.id)
                    .where(PersonLink.pupil_id == pupil.id, Person.leaving_date.is_(None))
                    .order_by(Person.surname, Person.forename)
                ).all()
                carers = ", ".join(
                    display_name(c.forename, c.surname, c.preferred_name) for c in parents
                )
                name = display_name(pupil.forename, pupil.surname, pupil.preferred_name)
                form = FormFor(
                    name=name,
                    details=[
                        ["Class", name_of_class],
                        ["Parents and carers", carers or "(none recorded)"],
                    ],
                    signers=[f"Pupil: {name}", "Parent or carer"],
                )
                pages.append((agreement, form))
    if not pages:
        raise InvalidInput("There are no pupils on roll in that class.")
    title = f"Agreement forms, class {class_name}" if class_name else "Agreement forms, all classes"
    return forms_pdf(pages, printing(signed_in), title)


def blank_forms(signed_in: SignedIn, audience: Audience, copies: int = 1) -> bytes:
    """Blank forms to fill in by hand (visitors and community users sign one before using
    school technology)."""
    with signed_in.database.reading() as session:
        agreement = _agreement(_versions(session), audience, date.today())
    form = FormFor(
        name="",
        details=[["Organisation", ""], ["Why they use school technology", ""]],
        signers=["Signed by"],
    )
    return forms_pdf(
        [(agreement, form)] * max(copies, 1),
        printing(signed_in),
        f"Agreement forms, {audience.label.lower()}",
    )


def coverage_summary(signed_in: SignedIn, day: date | None = None) -> bytes:
    day = day or date.today()
    rows = register(signed_in, day)
    counts = [CoverageLine(c.group, c.signed, c.total, c.percent) for c in coverage_counts(rows)]
    outstanding = sorted(
        (r for r in rows if not r.coverage.covered),
        key=lambda r: (-r.coverage.days_overdue(day), r.name),
    )
    lines = [
        OutstandingLine(r.name, place(r), r.coverage.reason, r.coverage.days_overdue(day))
        for r in outstanding
    ]
    return coverage_summary_pdf(day, counts, lines, printing(signed_in))


ACCESS_KINDS = {"staff": "Staff", "pupil": "Pupil", "visitor": "Visitor"}


def cleared_list(signed_in: SignedIn, day: date | None = None) -> bytes:
    """Who IT may give a login today: their Acceptable Use Agreement is in order."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    day = day or date.today()
    rows = [
        [r.name, ACCESS_KINDS[r.kind], r.class_name or "", r.laptop or ""]
        for r in cleared_for_access(signed_in, day)
    ]
    return access_list_pdf(
        "Cleared for system access",
        f"As of {day:%d/%m/%Y}: the staff, pupils and visitors whose Acceptable Use Agreement "
        "is in order.",
        ["Name", "Type", "Class", "Laptop"],
        rows,
        printing(signed_in),
    )


def not_cleared_list(signed_in: SignedIn, day: date | None = None) -> bytes:
    """Who IT must not give a login (or must suspend) until they sign, and why."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    day = day or date.today()
    rows = [
        [r.name, ACCESS_KINDS[r.kind], r.class_name or "", r.coverage.reason]
        for r in register(signed_in, day)
        if r.kind in ACCESS_KINDS and not r.coverage.covered
    ]
    return access_list_pdf(
        "Not cleared for system access",
        f"As of {day:%d/%m/%Y}: these staff, pupils and visitors have no Acceptable Use "
        "Agreement in order and should not use school systems until they sign.",
        ["Name", "Type", "Class", "Why"],
        rows,
        printing(signed_in),
    )


def place(row: PersonCoverage) -> str:
    """Where a person belongs, as the register shows it: "Class 4B", "Staff and volunteers"."""
    if row.kind == "pupil" and row.class_name:
        return f"Class {row.class_name}"
    return row.audience.label


def _agreement(versions: list[AgreementVersion], audience: Audience | None, day: date) -> Agreement:
    from esafety_desktop.domain.aup import version_in_force

    if audience is None:
        raise InvalidInput("This person does not sign an agreement.")
    current = version_in_force([v.facts for v in versions], audience, day)
    if current is None:
        raise InvalidInput(
            f"No agreement for {audience.label.lower()} has taken effect yet: issue one first."
        )
    version = next(v for v in versions if v.id == current.id)
    text = version.text or (
        f"Acceptable Use Agreement: {audience.label}\n"
        f"The agreement is the school's document {version.pdf_name} (version "
        f"{version.label}), given with this form. Please read it before signing."
    )
    return Agreement(audience.label, version.label, version.sha256, text)


# -- helpers -------------------------------------------------------------------------------


def _versions(session: Session) -> list[AgreementVersion]:
    counts = Counter(session.scalars(select(AupSignature.version_id)))
    return [
        AgreementVersion(
            id=v.id,
            audience=Audience(v.audience),
            label=v.label,
            effective_from=v.effective_from,
            text=v.text,
            sha256=v.sha256,
            pdf_name=v.pdf_name,
            signatures=counts[v.id],
        )
        for v in session.scalars(
            select(AupVersion).order_by(AupVersion.audience, AupVersion.effective_from)
        )
    ]


def _in_force(versions: list[Version], audience: Audience | None, day: date) -> Version | None:
    from esafety_desktop.domain.aup import version_in_force

    return version_in_force(versions, audience, day) if audience is not None else None


def _current_signatures(session: Session, person_id: int | None = None) -> dict[int, list[Signed]]:
    """Each person's signatures as they now stand: corrected rows replaced, withdrawn ones out."""
    query = select(AupSignature).order_by(AupSignature.id)
    if person_id is not None:
        query = query.where(AupSignature.person_id == person_id)
    rows = list(session.scalars(query))
    replaced = {r.replaces_id for r in rows if r.replaces_id is not None}
    found: dict[int, list[Signed]] = {}
    for r in rows:
        if r.id in replaced or r.withdrawn:
            continue
        found.setdefault(r.person_id, []).append(
            Signed(r.version_id, r.signed_on, r.laptop, r.parent_signed)
        )
    return found


def _safe_cell(text: str) -> str:
    """A spreadsheet must not run a name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
