"""The frame every eSafety Desktop PDF shares: OFFICIAL-SENSITIVE marking top and bottom, the
school's name, page x of y, and who printed it when."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

MARKING = "OFFICIAL-SENSITIVE"
MARGIN = 18 * mm


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    school_name: str
    printed_by: str
    printed_at: datetime


@dataclass(frozen=True)
class Printing:
    """Who is printing, for which school, and when: the frame of every page."""

    school_name: str
    printed_by: str
    printed_at: datetime

    def document(self, title: str) -> DocumentInfo:
        return DocumentInfo(title, self.school_name, self.printed_by, self.printed_at)


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("Title", parent=base["Title"], fontSize=20, spaceAfter=4 * mm),
        "heading": ParagraphStyle(
            "Heading",
            parent=base["Heading2"],
            fontSize=13,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
            keepWithNext=1,  # never a heading alone at the foot of a page
        ),
        "body": ParagraphStyle("Body", parent=base["BodyText"], fontSize=10.5, leading=14),
        "small": ParagraphStyle(
            "Small", parent=base["BodyText"], fontSize=9, leading=12, textColor=colors.dimgrey
        ),
    }


def render(story: list[Flowable], info: DocumentInfo) -> bytes:
    """Lay ``story`` out on A4 pages with the common frame and return the PDF's bytes."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 8 * mm,
        bottomMargin=MARGIN + 8 * mm,
        title=info.title,
        author=info.school_name,
        creator="eSafety Desktop",
    )

    def make_canvas(*args: Any, **kwargs: Any) -> Canvas:
        return _FramedCanvas(info, *args, **kwargs)

    document.build(story, canvasmaker=make_canvas)
    return buffer.getvalue()


class _FramedCanvas(Canvas):  # type: ignore[misc]
    """Holds pages back until the end, so each can say "page x of y"."""

    def __init__(self, info: DocumentInfo, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._info = info
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_frame(number, total)
            super().showPage()
        super().save()

    def _draw_frame(self, number: int, total: int) -> None:
        width, height = A4
        info = self._info
        self.saveState()
        self.setFont("Helvetica-Bold", 9)
        self.setFillColor(colors.black)
        self.drawCentredString(width / 2, height - 11 * mm, MARKING)
        self.drawCentredString(width / 2, 8 * mm, MARKING)
        self.setFont("Helvetica", 8.5)
        self.setFillColor(colors.dimgrey)
        self.drawString(MARGIN, height - 17 * mm, info.school_name)
        self.drawRightString(width - MARGIN, height - 17 * mm, info.title)
        printed = f"Printed by {info.printed_by} on {info.printed_at:%d/%m/%Y at %H:%M}"
        self.drawString(MARGIN, 14 * mm, printed)
        self.drawRightString(width - MARGIN, 14 * mm, f"Page {number} of {total}")
        self.setStrokeColor(colors.lightgrey)
        self.line(MARGIN, height - 19 * mm, width - MARGIN, height - 19 * mm)
        self.line(MARGIN, 18 * mm, width - MARGIN, 18 * mm)
        self.restoreState()
