"""Every kind of PDF the app prints, made from its data alone and read back with pypdf: names
with letters beyond the 14 standard PDF fonts come back exactly as spelt, the font they are set
in is embedded, and each PDF says what it is (title, author, subject, language)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from esafety_desktop.domain.device_review import DeviceSiteReview, ReviewedItem, Reviewer
from esafety_desktop.domain.reporting import (
    TOO_SMALL_TO_CHART,
    Counted,
    GovernorsFigures,
    LogLine,
    change,
    incidents_chart,
)
from esafety_desktop.domain.school_year import Period
from esafety_desktop.reports.agreement_forms import (
    Agreement,
    CoverageLine,
    FormFor,
    OutstandingLine,
    access_list_pdf,
    coverage_summary_pdf,
    forms_pdf,
)
from esafety_desktop.reports.child_chronology import ChronologyLine, child_chronology_pdf
from esafety_desktop.reports.device_review import ReviewForm, device_review_pdf
from esafety_desktop.reports.governors import governors_pdf
from esafety_desktop.reports.incident_log import incident_log_pdf
from esafety_desktop.reports.incident_record import (
    IncidentRecord,
    RecordEntry,
    RecordPerson,
    incident_record_pdf,
)
from esafety_desktop.reports.layout import Printing
from esafety_desktop.reports.recovery_sheet import RecoverySheet, recovery_sheet_pdf

# Invented people whose names need letters the standard PDF fonts do not have (Ł, ś, ŷ, Ŵ, ı).
LUCJA = "Łucja Wiśniewska"
GWENLLIAN = "Gwenllïan Tŷ-Ŵyn"
AYLIN = "Aylin Yılmaz"
NAMES = (LUCJA, GWENLLIAN, AYLIN)
SCHOOL = "Ysgol Gynradd Tŷ Gwyn (invented)"
WHEN = datetime(2026, 11, 23, 10, 30)
PRINTING = Printing(SCHOOL, GWENLLIAN, WHEN)
YEAR = Period(date(2025, 9, 1), date(2026, 8, 31), "2025/26")
BEFORE = Period(date(2024, 9, 1), date(2025, 8, 31), "school year 2024/25")


def _text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _incident_record() -> bytes:
    return incident_record_pdf(
        IncidentRecord(
            school_name=SCHOOL,
            reference="OS-2025-0007",
            incident_type="Cyberbullying",
            status="Open",
            reported_by=AYLIN,
            reported_at=WHEN,
            location="Online",
            summary=f"{LUCJA} was sent unkind messages.",
            child_words="They keep messaging me.",
            people=[
                RecordPerson(LUCJA, "Target", "Year 5, 5W"),
                RecordPerson(GWENLLIAN, "Parent or carer", "Mother"),
            ],
            entries=[RecordEntry(WHEN, "Recorded", [f"Told by {AYLIN}."], GWENLLIAN)],
            evidence=[],
            printed_by=GWENLLIAN,
            printed_at=WHEN,
        )
    )


def _figures(**changes: Any) -> GovernorsFigures:
    figures: dict[str, Any] = {
        "period": YEAR,
        "compared_with": BEFORE,
        "threshold": 3,
        "total": 16,
        "total_before": 0,
        "by_type": [Counted("Cyberbullying", 16, 0)],
        "by_category": [Counted("Conduct", 16)],
        # A small school: no month reaches 3, every term does.
        "by_month": [
            Counted(date(y, m, 1).strftime("%b %Y"), n)
            for (y, m), n in zip(
                [(2025, m) for m in range(9, 13)] + [(2026, m) for m in range(1, 9)],
                [2, 2, 1, 1, 2, 1, 2, 1, 2, 1, 1, 0],
                strict=True,
            )
        ],
        "by_term": [
            Counted("Autumn term 2025", 6),
            Counted("Spring term 2026", 5),
            Counted("Summer term 2026", 5),
        ],
        "by_year_group": [Counted("Year 5", 16)],
        "by_status": [Counted("Closed", 16)],
        "illegal": 0,
        "unsuitable": 16,
        "open_actions": 0,
        "overdue_actions": 0,
        "agreements": [],
        "policy_review": None,
        "themes": [],
        "policy_reviews_needed": 0,
    }
    return GovernorsFigures(**{**figures, **changes})


def _governors() -> bytes:
    return governors_pdf(_figures(), PRINTING)


def _incident_log() -> bytes:
    line = LogLine(
        reference="OS-2025-0007",
        reported=WHEN.date(),
        closed=None,
        incident_type="Cyberbullying",
        status="Open",
        people=f"{LUCJA} (target); {GWENLLIAN} (parent or carer); {AYLIN} (reported it)",
        outcome="",
    )
    return incident_log_pdf(YEAR, [line], True, PRINTING)


AGREEMENT = Agreement(
    "Older pupils", "2025/26", "Acceptable Use Agreement for pupils\nI will be kind online."
)


def _agreement_forms() -> bytes:
    form = FormFor(
        LUCJA,
        [["Class", "5W"], ["Parents and carers", f"{GWENLLIAN}, {AYLIN}"]],
        [f"Pupil: {LUCJA}", "Parent or carer"],
    )
    return forms_pdf([(AGREEMENT, form)], PRINTING, "Agreement forms, class 5W")


def _coverage() -> bytes:
    return coverage_summary_pdf(
        WHEN.date(),
        [CoverageLine("Older pupils", 1, 4, 25)],
        [OutstandingLine(name, "5W", "Never signed.", 3) for name in NAMES],
        PRINTING,
    )


def _access_list() -> bytes:
    return access_list_pdf(
        "Not cleared for system access",
        "As of today.",
        ["Name", "Type", "Class", "Why"],
        [[name, "Pupil", "5W", "Never signed."] for name in NAMES],
        PRINTING,
    )


def _device_review() -> bytes:
    review = DeviceSiteReview(
        reason="A site reached past the filter.",
        first_reviewer=Reviewer(GWENLLIAN, "DSL"),
        second_reviewer=Reviewer(AYLIN, "Headteacher"),
        computer="Office PC, the DSL's office",
        items=[ReviewedItem("example.invalid", f"Reached by {LUCJA}'s login")],
        conclusion="Nothing illegal.",
    )
    return device_review_pdf(ReviewForm(SCHOOL, "OS-2025-0007", review, WHEN, AYLIN, WHEN))


def _recovery_sheet() -> bytes:
    return recovery_sheet_pdf(
        RecoverySheet(SCHOOL, "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ", "school.db", "0123abcd", LUCJA, WHEN)
    )


def _chronology() -> bytes:
    return child_chronology_pdf(
        LUCJA,
        [["Name", LUCJA], ["Parents and carers", f"{GWENLLIAN}, {AYLIN}"]],
        [ChronologyLine(WHEN, "OS-2025-0007", "Recorded", f"Told by {AYLIN}.")],
        [],
        PRINTING,
    )


# Each document, and the invented names it prints (the governors' report names nobody: its
# school name and the person printing are in its frame).
DOCUMENTS: dict[str, tuple[Callable[[], bytes], tuple[str, ...]]] = {
    "incident record": (_incident_record, NAMES),
    "governors' report": (_governors, (SCHOOL, GWENLLIAN)),
    "incident log": (_incident_log, NAMES),
    "agreement forms": (_agreement_forms, NAMES),
    "agreement coverage": (_coverage, NAMES),
    "access list": (_access_list, NAMES),
    "device review": (_device_review, NAMES),
    "recovery sheet": (_recovery_sheet, (LUCJA, SCHOOL)),
    "chronology": (_chronology, NAMES),
}


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_names_print_as_they_are_spelt_in_an_embedded_font(kind: str) -> None:
    make, names = DOCUMENTS[kind]
    pdf = make()
    text = _text(pdf)
    for name in names:
        assert name in text, (kind, name)
    assert "■" not in text
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        assert fonts
        for font in (fonts[key].get_object() for key in fonts):
            assert "DejaVu" in font["/BaseFont"], (kind, font["/BaseFont"])
            assert "/FontFile2" in font["/FontDescriptor"], (kind, font["/BaseFont"])


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_each_pdf_says_what_it_is_who_made_it_and_its_language(kind: str) -> None:
    reader = PdfReader(io.BytesIO(DOCUMENTS[kind][0]()))
    meta = reader.metadata
    assert meta is not None
    assert meta.title and meta.subject, kind
    assert meta.author == SCHOOL
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_forms_that_go_home_carry_no_marking_nor_hash_and_number_their_own_pages() -> None:
    other = FormFor(AYLIN, [["Class", "5W"]], [f"Pupil: {AYLIN}"])
    pages = _pages(forms_pdf([(AGREEMENT, other)] * 3, PRINTING, "Agreement forms, class 5W"))
    assert len(pages) == 3
    for page in pages:
        assert "OFFICIAL" not in page and "SHA" not in page and "fingerprint" not in page
        assert "Older pupils · version 2025/26" in page
        assert "Page 1 of 1" in page
    # What stays in school keeps its marking.
    assert "OFFICIAL-SENSITIVE" in _text(_coverage())
    assert "OFFICIAL-SENSITIVE" in _text(_incident_record())


def test_the_governors_report_prints_its_period_once() -> None:
    text = _text(_governors())
    assert text.count("01/09/2025 to 31/08/2026") == 1
    assert "Period: 2025/26 (01/09/2025 to 31/08/2026)." in text
    between = Period(date(2025, 9, 1), date(2026, 8, 31), "01/09/2025 to 31/08/2026")
    text = _pages(governors_pdf(_figures(period=between), PRINTING))[0]
    assert "Period: 01/09/2025 to 31/08/2026. Compared with" in text
    assert text.count("01/09/2025 to 31/08/2026") == 2  # the body, and the running header


def test_a_small_school_s_report_charts_by_term_or_says_the_numbers_are_too_small() -> None:
    text = _text(_governors())
    assert "Incidents by term" in text and "Incidents by month" not in text
    assert "Autumn term 2025" in text
    assert "Incidents recorded 16 0 +16 (none before)" in text
    tiny = _figures(
        total=4,
        by_term=[Counted("Autumn term 2025", 2), Counted("Spring term 2026", 2)],
    )
    text = _text(governors_pdf(tiny, PRINTING))
    assert TOO_SMALL_TO_CHART in text and "Autumn term 2025" not in text
    none = _figures(total=0, by_month=[Counted("Sep 2025", 0)], by_term=[])
    assert "No incidents were recorded in this period." in _text(governors_pdf(none, PRINTING))


def test_the_chart_is_by_month_while_few_months_are_hidden() -> None:
    months = [Counted("Sep 2025", 5), Counted("Oct 2025", 1), Counted("Nov 2025", 4)]
    chart = incidents_chart(months, [Counted("Autumn term 2025", 10)], 3)
    assert chart.heading == "Incidents by month" and chart.rows == months
    assert chart.note == "Months with fewer than 3 incidents, drawn as none: Oct 2025."
    mostly_hidden = [Counted("Sep 2025", 5), Counted("Oct 2025", 1), Counted("Nov 2025", 2)]
    terms = [Counted("Autumn term 2025", 8), Counted("Spring term 2026", 4)]
    chart = incidents_chart(mostly_hidden, terms, 3)
    assert chart.heading == "Incidents by term" and chart.note == ""
    chart = incidents_chart(mostly_hidden, terms, 10)
    assert chart.rows == [] and chart.note == TOO_SMALL_TO_CHART
    assert incidents_chart([Counted("Sep 2025", 0)], [], 3).rows == []
    # One term so far, its months mostly hidden: a single bar would show only the total.
    chart = incidents_chart(mostly_hidden, [Counted("Autumn term 2025", 8)], 3)
    assert chart.rows == [] and chart.note == TOO_SMALL_TO_CHART
    # A period of one month: its count is the total, no section at all.
    assert incidents_chart([Counted("Sep 2025", 9)], [Counted("Autumn term 2025", 9)], 3) == (
        incidents_chart([Counted("Sep 2025", 9)], [], 3)
    )
    assert incidents_chart([Counted("Sep 2025", 9)], [], 3).heading == ""


def test_change_is_in_words_for_a_zero_base_and_hidden_only_with_a_hidden_count() -> None:
    assert change(16, 0, 3) == "+16 (none before)"
    assert change(0, 9, 3) == "-9"
    assert change(0, 0, 3) == "no change"
    assert change(8, 3, 3) == "+5"
    assert change(3, 3, 3) == "no change"
    assert change(16, 2, 3) == "not shown (small numbers)"
    assert change(1, 7, 3) == "not shown (small numbers)"
