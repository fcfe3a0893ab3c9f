"""A pupil's safeguarding chronology: the record that goes with them to a new school."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from esafety_desktop.reports.incident_record import facts_table
from esafety_desktop.reports.layout import Printing, render, styles


@dataclass(frozen=True)
class ChronologyLine:
    when: datetime
    case: str
    what: str
    detail: str


def child_chronology_pdf(
    name: str,
    facts: list[list[str]],
    lines: list[ChronologyLine],
    transfers: list[list[str]],
    printing: Printing,
    *,
    left_out: int = 0,
) -> bytes:
    """``left_out``: the restricted cases the account that printed it cannot open (whether
    they concern the pupil cannot be known; the chronology says they are not in it)."""
    s = styles()
    story: list[Flowable] = [
        Paragraph("Safeguarding chronology: online safety", s["title"]),
        facts_table(facts, [50 * mm, 120 * mm]),
        Paragraph("Chronology", s["heading"]),
    ]
    if left_out:
        story.append(Paragraph(restricted_left_out(left_out), s["body"]))
    if not lines:
        story.append(Paragraph("No online safety incidents are recorded.", s["body"]))
    for line in lines:
        body = escape(line.detail).replace("\n", "<br/>")
        story.append(
            KeepTogether(
                [
                    Paragraph(
                        f"<b>{line.when:%d/%m/%Y %H:%M}</b> &nbsp; {escape(line.case)}: "
                        f"{escape(line.what)}",
                        s["body"],
                    ),
                    Paragraph(body, s["small"]) if body else Spacer(1, 1),
                    Spacer(1, 2 * mm),
                ]
            )
        )
    story.append(Paragraph("Transfer of this file", s["heading"]))
    story.append(
        facts_table(
            [["Sent", "To", "How", "By", "Receipt confirmed"], *transfers],
            [22 * mm, 45 * mm, 38 * mm, 28 * mm, 37 * mm],
            header=True,
        )
        if transfers
        else Paragraph("Not sent yet.", s["body"])
    )
    return render(
        story,
        printing.document(
            f"Safeguarding chronology: {name}", "Safeguarding chronology: online safety"
        ),
    )


def restricted_left_out(count: int) -> str:
    """What a chronology says of the restricted cases the account cannot open ("This account
    cannot open 1 restricted case; if it concerns this pupil it is not in this chronology.")."""
    if count == 1:
        return (
            "This account cannot open 1 restricted case; if it concerns this pupil it is not in "
            "this chronology."
        )
    return (
        f"This account cannot open {count} restricted cases; any of them that concerns this "
        "pupil is not in this chronology."
    )
