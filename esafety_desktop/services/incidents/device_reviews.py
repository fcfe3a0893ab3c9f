"""Reviews of devices or sites by two senior staff: kept with the case, with a line in its
chronology, and printable as the form the school files."""

from __future__ import annotations

import json

from sqlalchemy import select

from esafety_desktop.domain.device_review import DeviceSiteReview, ReviewProblem
from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents._common import (
    _case_changed,
    _entry,
    _local,
    _visible_incident,
)
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.restricted_cases import store_for
from esafety_desktop.storage.models import DeviceReview


def record_device_review(signed_in: SignedIn, incident_id: int, review: DeviceSiteReview) -> None:
    """Keep a review of devices or sites with the case (and a line in its chronology)."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    try:
        review.check()
    except ReviewProblem as exc:
        raise InvalidInput(str(exc)) from None
    with store_for(signed_in, incident_id).transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        now = signed_in.clock.utc_now()
        session.add(
            DeviceReview(
                incident_id=incident.id,
                data=json.dumps(review.to_json(), ensure_ascii=False),
                recorded_by=signed_in.account.display_name,
                recorded_at=now,
            )
        )
        session.add(
            _entry(
                signed_in,
                incident.id,
                now,
                kind="device_review",
                title="Devices or sites reviewed by two senior staff",
                done_by=f"{review.first_reviewer.name} and {review.second_reviewer.name}",
                outcome=f"{review.action}: {review.conclusion}",
                text="; ".join(f"{i.address_or_device} ({i.concern})" for i in review.items),
            )
        )
        _case_changed(session, signed_in, incident.id, "incident.device_review")


@open_to_every_role("the cases this account may see")
def device_review_form(signed_in: SignedIn, incident_id: int) -> bytes | None:
    """The newest review of the case as a printable form, or None if there is none."""
    from esafety_desktop.reports.device_review import ReviewForm, device_review_pdf
    from esafety_desktop.services.settings import school_settings

    with store_for(signed_in, incident_id).reading() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        row = session.scalar(
            select(DeviceReview)
            .where(DeviceReview.incident_id == incident.id)
            .order_by(DeviceReview.id.desc())
            .limit(1)
        )
        if row is None:
            return None
        review = DeviceSiteReview.from_json(json.loads(row.data))
        reference, when = incident.reference, _local(row.recorded_at)
    return device_review_pdf(
        ReviewForm(
            school_name=school_settings(signed_in).school_name,
            reference=reference,
            review=review,
            reviewed_at=when,
            printed_by=signed_in.account.display_name,
            printed_at=signed_in.clock.local_now(),
        )
    )
