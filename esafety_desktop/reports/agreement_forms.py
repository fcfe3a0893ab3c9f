"""Acceptable Use Agreement forms to sign on paper, and the coverage summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from esafety_desktop.reports.incident_record import facts_table, signatures_table
from esafety_desktop.reports.layout import Printing, render, section_start, styles


@dataclass(frozen=True)
class Agreement:
    title: str  # "Older pupils"
    version: str
    text: str


@dataclass(frozen=True)
class FormFor:
    """One pre-filled form: whose it is, and who else signs it."""

    name: str
    details: list[list[str]]  # e.g. [["Class", "4B"], ["Parent or carer", "Jo Ash"]]
    signers: list[str]  # e.g. ["Pupil: Amy Ash", "Parent or carer"]


def forms_pdf(forms: list[tuple[Agreement, FormFor]], printing: Printing, title: str) -> bytes:
    """One page (or more, for a long text) per person: their agreement, then their details and
    the signature and date lines.

    The forms go home to families or to visitors: they carry no protective marking and nothing
    only the school needs (the agreement's fingerprint), and each form's pages are numbered on
    their own ("Page 1 of 1", not "Page 17 of 30")."""
    story: list[Flowable] = []
    for number, (agreement, form) in enumerate(forms):
        if number:
            story.append(PageBreak())
        story.append(section_start())
        story += _form(agreement, form)
    return render(story, printing.document(title, "Acceptable Use Agreement forms", marking=""))


def _form(agreement: Agreement, form: FormFor) -> list[Flowable]:
    s = styles()
    lines = [line.strip() for line in agreement.text.splitlines()]
    heading, body = (lines[0], lines[1:]) if lines else ("", [])
    story: list[Flowable] = [
        Paragraph(escape(heading or f"Acceptable Use Agreement: {agreement.title}"), s["title"]),
        Paragraph(f"{escape(agreement.title)} · version {escape(agreement.version)}", s["small"]),
        Spacer(1, 3 * mm),
    ]
    story += [Paragraph(escape(line), s["body"]) for line in body if line]
    story += [
        Spacer(1, 5 * mm),
        facts_table([["Name", form.name], *form.details], [50 * mm, 120 * mm]),
        Spacer(1, 4 * mm),
        signatures_table(form.signers),
        Spacer(1, 3 * mm),
        Paragraph("Please return this form to the school office.", s["small"]),
    ]
    return story


@dataclass(frozen=True)
class CoverageLine:
    group: str
    signed: int
    total: int
    percent: int


@dataclass(frozen=True)
class OutstandingLine:
    name: str
    who: str
    reason: str
    days: int


def coverage_summary_pdf(
    as_of: date,
    counts: list[CoverageLine],
    outstanding: list[OutstandingLine],
    printing: Printing,
) -> bytes:
    s = styles()
    story: list[Flowable] = [
        Paragraph("Acceptable Use Agreements: who has signed", s["title"]),
        Paragraph(f"As of {as_of:%d/%m/%Y}.", s["body"]),
        Paragraph("Coverage", s["heading"]),
        facts_table(
            [
                ["Group", "Signed", "Of", "Covered"],
                *[[c.group.strip(), str(c.signed), str(c.total), f"{c.percent}%"] for c in counts],
            ],
            [90 * mm, 25 * mm, 25 * mm, 30 * mm],
            header=True,
        ),
        Paragraph(f"Outstanding ({len(outstanding)})", s["heading"]),
    ]
    if outstanding:
        story.append(
            facts_table(
                [
                    ["Name", "Who", "Why", "Days overdue"],
                    *[[o.name, o.who, o.reason, str(o.days)] for o in outstanding],
                ],
                [45 * mm, 40 * mm, 65 * mm, 20 * mm],
                header=True,
            )
        )
    else:
        story.append(Paragraph("Nobody: everyone who signs is covered.", s["body"]))
    title = "Acceptable Use Agreement coverage"
    return render(story, printing.document(title, "Who has signed their Acceptable Use Agreement"))


def access_list_pdf(
    title: str, intro: str, header: list[str], people: list[list[str]], printing: Printing
) -> bytes:
    """For IT: who may have a login today, or who may not until they sign."""
    s = styles()
    widths = [55 * mm, 25 * mm, 25 * mm, 65 * mm]
    story: list[Flowable] = [
        Paragraph(escape(title), s["title"]),
        Paragraph(escape(intro), s["body"]),
        Spacer(1, 4 * mm),
        facts_table([header, *people], widths, header=True)
        if people
        else Paragraph("Nobody.", s["body"]),
    ]
    return render(story, printing.document(title, "Who may use the school's systems"))
