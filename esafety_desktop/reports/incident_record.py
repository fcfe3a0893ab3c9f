"""The printed incident record: what happened, who was involved, what was done, by whom, when,
why, and what happens next; with a block for signature and date."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from esafety_desktop.reports.layout import FONT, DocumentInfo, render, styles


@dataclass(frozen=True)
class RecordPerson:
    name: str
    role: str
    detail: str


@dataclass(frozen=True)
class RecordEntry:
    when: datetime
    title: str
    lines: list[str]
    author: str


@dataclass(frozen=True)
class IncidentRecord:
    school_name: str
    reference: str
    incident_type: str
    status: str
    reported_by: str
    reported_at: datetime
    location: str
    summary: str
    child_words: str
    people: list[RecordPerson]
    entries: list[RecordEntry]
    evidence: list[str]
    printed_by: str
    printed_at: datetime
    # Where the case stands in the flowchart, and each step still to do (with its owner and
    # due date): what an inspector asks first.
    where_it_stands: str = ""
    still_to_do: list[str] = field(default_factory=list)
    # The case's actions, a line each: title, owner, due date and where it stands ("done",
    # "OVERDUE" or "open", as on the day the record was made). Packs made before it have none.
    actions: list[str] = field(default_factory=list)


def record_as_json(record: IncidentRecord) -> str:
    """The record without who printed it and when: what a review pack keeps of a case."""
    data = dataclasses.asdict(record)
    del data["printed_by"], data["printed_at"]
    return json.dumps(data, sort_keys=True, default=_iso, ensure_ascii=False)


def record_from_json(data: dict[str, Any], printed_by: str, printed_at: datetime) -> IncidentRecord:
    return IncidentRecord(
        **{
            **data,
            "reported_at": datetime.fromisoformat(data["reported_at"]),
            "people": [RecordPerson(**p) for p in data["people"]],
            "entries": [
                RecordEntry(**{**e, "when": datetime.fromisoformat(e["when"])})
                for e in data["entries"]
            ],
            "printed_by": printed_by,
            "printed_at": printed_at,
        }
    )


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not kept in a review pack")


def incident_record_pdf(record: IncidentRecord) -> bytes:
    s = styles()
    facts = [
        ["Reference", record.reference],
        ["Type", record.incident_type],
        ["Status", record.status],
        ["Reported by", record.reported_by],
        ["Reported", f"{record.reported_at:%d/%m/%Y at %H:%M}"],
        ["Where", record.location],
    ]
    story: list[Flowable] = [
        Paragraph(f"Online safety incident {escape(record.reference)}", s["title"]),
        facts_table(facts, [35 * mm, 135 * mm]),
        Paragraph("What happened", s["heading"]),
        Paragraph(_lines(record.summary), s["body"]),
    ]
    if record.child_words.strip():
        story += [
            Paragraph("The child's own words", s["heading"]),
            Paragraph(f"“{_lines(record.child_words)}”", s["body"]),
        ]
    if record.where_it_stands:
        story.append(Paragraph("Where the case stands", s["heading"]))
        story.append(Paragraph(escape(record.where_it_stands), s["body"]))
        story += [Paragraph(f"• {escape(line)}", s["body"]) for line in record.still_to_do]
    story.append(Paragraph("People involved", s["heading"]))
    story.append(
        facts_table(
            [["Name", "Role", "Details"], *[[p.name, p.role, p.detail] for p in record.people]],
            [60 * mm, 45 * mm, 65 * mm],
            header=True,
        )
    )
    if record.evidence:
        story.append(Paragraph("Evidence", s["heading"]))
        story += [Paragraph(f"• {escape(line)}", s["body"]) for line in record.evidence]
    if record.actions:
        story.append(Paragraph("Actions", s["heading"]))
        story += [Paragraph(f"• {escape(line)}", s["body"]) for line in record.actions]
    story.append(Paragraph("Chronology", s["heading"]))
    for entry in record.entries:
        body = "<br/>".join(_lines(line) for line in entry.lines)
        story.append(
            KeepTogether(
                [
                    Paragraph(
                        f"<b>{entry.when:%d/%m/%Y %H:%M}</b> &nbsp; {escape(entry.title)}",
                        s["body"],
                    ),
                    Paragraph(body, s["body"]) if body else Spacer(1, 1),
                    Paragraph(f"Recorded by {escape(entry.author)}", s["small"]),
                    Spacer(1, 3 * mm),
                ]
            )
        )
    story += [
        Spacer(1, 8 * mm),
        KeepTogether(
            [
                Paragraph("Signed", s["heading"]),
                signatures_table(["Designated Safeguarding Lead", "Headteacher (reviewed)"]),
            ]
        ),
    ]
    info = DocumentInfo(
        title=f"Incident {record.reference}",
        school_name=record.school_name,
        printed_by=record.printed_by,
        printed_at=record.printed_at,
        subject="Online safety incident record",
    )
    return render(story, info)


def signatures_table(roles: list[str]) -> Table:
    """A row per signer: role, then ruled spaces for name, signature and date."""
    s = styles()
    rows = [[Paragraph(f"<b>{escape(role)}</b>", s["body"]), "", "", "", "", ""] for role in roles]
    table = Table(
        [["", "Name", "", "Signature", "", "Date"], *rows],
        colWidths=[64 * mm, 40 * mm, 4 * mm, 38 * mm, 4 * mm, 22 * mm],
        rowHeights=[6 * mm] + [14 * mm] * len(roles),
    )
    ruled = [("LINEBELOW", (col, 1), (col, -1), 0.6, colors.black) for col in (1, 3, 5)]
    table.setStyle(
        TableStyle(
            [
                # Every cell, even an empty one: a cell's font is set on the page all the same.
                ("FONT", (0, 0), (-1, -1), FONT, 8),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.dimgrey),
                ("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
                *ruled,
            ]
        )
    )
    return table


def facts_table(rows: list[list[str]], widths: list[float], header: bool = False) -> Table:
    s = styles()
    cells = [[Paragraph(_lines(c), s["body"]) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT),  # a cell's font is set on the page all the same
        ("GRID", (0, 0), (-1, -1), 0.4, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke))
    else:
        commands.append(("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke))
    table.setStyle(TableStyle(commands))
    return table


def _lines(text: str) -> str:
    """Typed text for a paragraph: escaped, its line breaks kept."""
    return escape(text).replace("\n", "<br/>")
