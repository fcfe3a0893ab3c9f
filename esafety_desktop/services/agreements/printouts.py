"""What the register prints or saves: pre-filled forms for a class, blank forms, the coverage
summary, and the lists (PDF and CSV) that tell IT who may and may not log on."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from sqlalchemy import select

from esafety_desktop.domain.aup import Audience, audience_of
from esafety_desktop.domain.people import display_name
from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.reports.agreement_forms import (
    Agreement,
    CoverageLine,
    FormFor,
    OutstandingLine,
    access_list_pdf,
    coverage_summary_pdf,
    forms_pdf,
)
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.agreements._common import AgreementVersion, _versions
from esafety_desktop.services.agreements.coverage import (
    cleared_for_access,
    coverage_counts,
    place,
    register,
    renewal_rules,
)
from esafety_desktop.services.exports import printing
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.storage.models import Person


def cleared_csv(signed_in: SignedIn) -> bytes:
    """The cleared list as CSV for IT (name, type, year, class, laptop); audited."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    rows = cleared_for_access(signed_in)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Name", "Type", "Year group", "Class", "Laptop", "Agreement"])
    for r in rows:
        writer.writerow(
            [
                _safe_cell(r.name),
                _safe_cell(str(r.kind)),
                _safe_cell(r.year_group or ""),
                _safe_cell(r.class_name or ""),
                _safe_cell(r.laptop or ""),
                _safe_cell(r.coverage.reason),
            ]
        )
    with signed_in.database.transaction() as session:
        signed_in.record(session, "agreement.cleared_list_exported", details={"people": len(rows)})
    return out.getvalue().encode("utf-8-sig")  # Excel reads the BOM as UTF-8


def save_cleared_csv(signed_in: SignedIn, path: Path) -> None:
    signed_in.require(Permission.KEEP_AGREEMENTS)
    from esafety_desktop.storage.files import write_atomically

    write_atomically(path, cleared_csv(signed_in))


@open_to_every_role("the class names, for choosing forms to print")
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


@open_to_every_role("every role may print forms for people to sign")
def pupil_forms(signed_in: SignedIn, class_name: str | None = None) -> bytes:
    """Pre-filled forms for one class (or every class, in order), one per pupil: their
    agreement, their name and class, their parents' and carers' names, and signature lines:
    the pupil's, and a parent's or carer's where the school's setting asks for one (by default
    Nursery to Year 2)."""
    from esafety_desktop.storage.models import PersonLink

    wanted = [class_name] if class_name else classes(signed_in)
    day = signed_in.clock.today()
    rules = renewal_rules(signed_in)
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
                audience = audience_of(pupil.kind, pupil.year_group)
                agreement = _agreement(versions, audience, day)
                countersigns = audience is not None and rules[audience].parent_countersigns
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
                    signers=[f"Pupil: {name}"] + (["Parent or carer"] if countersigns else []),
                )
                pages.append((agreement, form))
    if not pages:
        raise InvalidInput("There are no pupils on roll in that class.")
    title = f"Agreement forms, class {class_name}" if class_name else "Agreement forms, all classes"
    return forms_pdf(pages, printing(signed_in), title)


@open_to_every_role("every role may print blank forms")
def blank_forms(signed_in: SignedIn, audience: Audience, copies: int = 1) -> bytes:
    """Blank forms to fill in by hand (visitors and community users sign one before using
    school technology)."""
    with signed_in.database.reading() as session:
        agreement = _agreement(_versions(session), audience, signed_in.clock.today())
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


@open_to_every_role("every role reads the agreements register")
def coverage_summary(signed_in: SignedIn) -> bytes:
    day = signed_in.clock.today()
    rows = register(signed_in)
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


def cleared_list(signed_in: SignedIn) -> bytes:
    """Who IT may give a login today: their Acceptable Use Agreement is in order."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    day = signed_in.clock.today()
    rows = [
        [r.name, ACCESS_KINDS[r.kind], r.class_name or "", r.laptop or ""]
        for r in cleared_for_access(signed_in)
    ]
    return access_list_pdf(
        "Cleared for system access",
        f"As of {day:%d/%m/%Y}: the staff, pupils and visitors whose Acceptable Use Agreement "
        "is in order.",
        ["Name", "Type", "Class", "Laptop"],
        rows,
        printing(signed_in),
    )


def not_cleared_list(signed_in: SignedIn) -> bytes:
    """Who IT must not give a login (or must suspend) until they sign, and why."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    day = signed_in.clock.today()
    rows = [
        [r.name, ACCESS_KINDS[r.kind], r.class_name or "", r.coverage.reason]
        for r in register(signed_in)
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
    return Agreement(audience.label, version.label, text)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _safe_cell(text: str) -> str:
    """A spreadsheet must not run a cell as a formula (OWASP's list: a cell starting with
    = + - @, a TAB or a carriage return, or with spaces before one of them)."""
    if text[:1] in _FORMULA_STARTS or text.lstrip()[:1] in _FORMULA_STARTS:
        return "'" + text
    return text
