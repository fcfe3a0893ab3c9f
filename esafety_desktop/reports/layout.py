"""The frame every eSafety Desktop PDF shares: OFFICIAL-SENSITIVE marking top and bottom
(except on forms that go home), the school's name, page x of y, and who printed it when.

Every PDF is set in DejaVu Sans, shipped in ``resources/fonts/`` and embedded (as a subset of
the characters used), so names such as Łucja Wiśniewska, Gwenllïan Tŷ-Ŵyn or Aylin Yılmaz print
as they are spelt: the 14 standard PDF fonts have none of Ł, ś, ŷ, Ŵ or ı.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from esafety_desktop.paths import resources_dir

MARKING = "OFFICIAL-SENSITIVE"
MARGIN = 18 * mm
LANGUAGE = "en-GB"

# The fonts every PDF uses, by the names reportlab knows them by. <i> has no oblique face to
# use (nothing printed is in italics): it falls back to the upright one.
FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
MONO_BOLD = "DejaVuSansMono-Bold"  # the recovery key
FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    MONO_BOLD: "DejaVuSansMono-Bold.ttf",
}


@functools.cache
def register_fonts() -> None:
    """Load the shipped fonts into reportlab: once per process (reading them takes a moment)."""
    folder = resources_dir() / "fonts"
    for name, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    school_name: str
    printed_by: str
    printed_at: datetime
    subject: str  # what the document is, for the PDF's properties
    # Printed top and bottom of every page; forms that go home to families carry none.
    marking: str = MARKING


@dataclass(frozen=True)
class Printing:
    """Who is printing, for which school, and when: the frame of every page."""

    school_name: str
    printed_by: str
    printed_at: datetime

    def document(self, title: str, subject: str, marking: str = MARKING) -> DocumentInfo:
        return DocumentInfo(
            title, self.school_name, self.printed_by, self.printed_at, subject, marking
        )


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = getSampleStyleSheet()
    fonts = {"fontName": FONT, "bulletFontName": FONT}
    bold = {"fontName": BOLD, "bulletFontName": BOLD}
    return {
        "title": ParagraphStyle(
            "Title", parent=base["Title"], fontSize=18, leading=22, spaceAfter=4 * mm, **bold
        ),
        "heading": ParagraphStyle(
            "Heading",
            parent=base["Heading2"],
            fontSize=13,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
            keepWithNext=1,  # never a heading alone at the foot of a page
            **bold,
        ),
        "body": ParagraphStyle("Body", parent=base["BodyText"], fontSize=10.5, leading=14, **fonts),
        "small": ParagraphStyle(
            "Small",
            parent=base["BodyText"],
            fontSize=9,
            leading=12,
            textColor=colors.dimgrey,
            **fonts,
        ),
    }


def section_start() -> Flowable:
    """Put before each document printed within one PDF (a pupil's form in a class's forms):
    the pages from here to the next are numbered on their own."""
    return _SectionStart()


class _SectionStart(Flowable):  # type: ignore[misc]
    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.section_starts.add(self.canv.getPageNumber())


def render(story: list[Flowable], info: DocumentInfo) -> bytes:
    """Lay ``story`` out on A4 pages with the common frame and return the PDF's bytes."""
    register_fonts()
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
        subject=info.subject,
        creator="eSafety Desktop",
        lang=LANGUAGE,
        displayDocTitle=True,  # a PDF reader's title bar shows the title, not the file's name
        # Without it the canvas names Helvetica on every page, a font that is not embedded.
        initialFontName=FONT,
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
        self.section_starts: set[int] = set()  # page numbers

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
        if info.marking:
            self.setFont(BOLD, 9)
            self.setFillColor(colors.black)
            self.drawCentredString(width / 2, height - 11 * mm, info.marking)
            self.drawCentredString(width / 2, 8 * mm, info.marking)
        self.setFont(FONT, 8.5)
        self.setFillColor(colors.dimgrey)
        self.drawString(MARGIN, height - 17 * mm, info.school_name)
        self.drawRightString(width - MARGIN, height - 17 * mm, info.title)
        printed = f"Printed by {info.printed_by} on {info.printed_at:%d/%m/%Y at %H:%M}"
        self.drawString(MARGIN, 14 * mm, printed)
        first = max((p for p in self.section_starts if p <= number), default=1)
        last = min((p - 1 for p in self.section_starts if p > number), default=total)
        self.drawRightString(
            width - MARGIN, 14 * mm, f"Page {number - first + 1} of {last - first + 1}"
        )
        self.setStrokeColor(colors.lightgrey)
        self.line(MARGIN, height - 19 * mm, width - MARGIN, height - 19 * mm)
        self.line(MARGIN, 18 * mm, width - MARGIN, 18 * mm)
        self.restoreState()
