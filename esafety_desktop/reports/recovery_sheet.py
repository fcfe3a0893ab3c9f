"""The recovery sheet: printed once when a school database is made, kept in the school safe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from esafety_desktop.reports.layout import MONO_BOLD, DocumentInfo, render, styles


@dataclass(frozen=True)
class RecoverySheet:
    school_name: str
    recovery_key: str  # formatted in groups, e.g. "ABCD-EFGH-…"
    database_file: str
    database_id: str
    made_by: str
    made_at: datetime


def recovery_sheet_pdf(sheet: RecoverySheet) -> bytes:
    s = styles()
    groups = sheet.recovery_key.split("-")
    rows = [groups[i : i + 5] for i in range(0, len(groups), 5)]
    rows[-1] += [""] * (5 - len(rows[-1]))
    key_table = Table(rows, colWidths=[30 * mm] * 5, rowHeights=14 * mm)
    key_table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), MONO_BOLD, 20),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                ("BACKGROUND", (0, 0), (-1, -1), colors.whitesmoke),
            ]
        )
    )
    school = escape(sheet.school_name)
    story = [
        Paragraph("Recovery sheet", s["title"]),
        Paragraph(
            f"eSafety Desktop school database of <b>{school}</b>, made on "
            f"{sheet.made_at:%d/%m/%Y} by {escape(sheet.made_by)}.",
            s["body"],
        ),
        Spacer(1, 6 * mm),
        Paragraph("Recovery key", s["heading"]),
        key_table,
        Spacer(1, 3 * mm),
        Paragraph(
            f"Database file: {escape(sheet.database_file)} &nbsp;&nbsp; "
            f"Database identity: {escape(sheet.database_id[:8])}",
            s["small"],
        ),
        Paragraph("What it is for", s["heading"]),
        Paragraph(
            "The recovery key opens the school's safeguarding records when the usual passwords "
            "cannot: on a new or rebuilt computer, when a backup must be restored somewhere "
            "else, or when every Designated Safeguarding Lead has forgotten their password. "
            "After using it you choose a new password.",
            s["body"],
        ),
        Paragraph("Where to keep it", s["heading"]),
        Paragraph(
            "Keep this sheet in a sealed envelope in the school safe, or with the "
            "headteacher's confidential records. Do not photograph it, scan it, email it or "
            "keep it with the computer. Anyone holding this key and a copy of the database can "
            "read every record in it.",
            s["body"],
        ),
        Paragraph("If it is lost or seen by someone else", s["heading"]),
        Paragraph(
            "Make a new recovery key straight away (a DSL can: Settings, Security, Make a new "
            "recovery key) and destroy this sheet. The old key stops working at once. Report "
            "the loss as a data "
            "protection incident if the database may also have been copied.",
            s["body"],
        ),
        Spacer(1, 12 * mm),
        Paragraph("Stored by (name) ________________________________________", s["body"]),
        Spacer(1, 6 * mm),
        Paragraph(
            "Signature ____________________________ &nbsp;&nbsp; Date ______________", s["body"]
        ),
    ]
    info = DocumentInfo(
        title="Recovery sheet",
        school_name=sheet.school_name,
        printed_by=sheet.made_by,
        printed_at=sheet.made_at,
        subject="The recovery key of the school's eSafety Desktop database",
    )
    return render(story, info)
