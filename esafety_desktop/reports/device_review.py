"""The printed record of reviewing devices / internet sites, signed by both reviewers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from esafety_desktop.domain.device_review import DeviceSiteReview
from esafety_desktop.reports.incident_record import facts_table, signatures_table
from esafety_desktop.reports.layout import DocumentInfo, render, styles


@dataclass(frozen=True)
class ReviewForm:
    school_name: str
    reference: str
    review: DeviceSiteReview
    reviewed_at: datetime
    printed_by: str
    printed_at: datetime


def device_review_pdf(form: ReviewForm) -> bytes:
    s = styles()
    r = form.review
    story: list[Flowable] = [
        Paragraph("Record of reviewing devices / internet sites", s["title"]),
        facts_table(
            [
                ["Case", form.reference],
                ["Date", f"{form.reviewed_at:%d/%m/%Y}"],
                ["Reason for the review", r.reason],
                ["First reviewer", f"{r.first_reviewer.name}, {r.first_reviewer.position}"],
                ["Second reviewer", f"{r.second_reviewer.name}, {r.second_reviewer.position}"],
                ["Computer used (and where)", r.computer],
            ],
            [50 * mm, 120 * mm],
        ),
        Paragraph("Sites and devices reviewed", s["heading"]),
        facts_table(
            [
                ["Address or device", "Reason for concern"],
                *[[i.address_or_device, i.concern] for i in r.items],
            ],
            [80 * mm, 90 * mm],
            header=True,
        ),
        Paragraph("Conclusion", s["heading"]),
        Paragraph(escape(r.conclusion), s["body"]),
        Paragraph("Action proposed or taken", s["heading"]),
        Paragraph(
            escape(r.action + (f": {r.action_detail}" if r.action_detail else "")), s["body"]
        ),
    ]
    if r.child_abuse_images_found:
        story.append(
            Paragraph(
                "<b>Child abuse images were found: the review stopped, the computer was "
                "isolated and the police were called.</b>",
                s["body"],
            )
        )
    story += [
        Spacer(1, 8 * mm),
        Paragraph("Reviewers' signatures", s["heading"]),
        signatures_table(
            [
                f"{r.first_reviewer.name} ({r.first_reviewer.position})",
                f"{r.second_reviewer.name} ({r.second_reviewer.position})",
            ]
        ),
    ]
    return render(
        story,
        DocumentInfo(
            title=f"Device / site review {form.reference}",
            school_name=form.school_name,
            printed_by=form.printed_by,
            printed_at=form.printed_at,
            subject="Record of reviewing devices or internet sites",
        ),
    )
