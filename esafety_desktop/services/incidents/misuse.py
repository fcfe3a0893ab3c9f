"""The misuse grid: the response it suggests when a pupil misuses school systems, from their
earlier incidents in the same category, so that responses are consistent."""

from __future__ import annotations

from functools import cache

from sqlalchemy import func, select

from esafety_desktop.domain.misuse_grid import (
    MisuseCategory,
    Suggestion,
    load_misuse_grid,
    suggest,
)
from esafety_desktop.paths import resources_dir
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.restricted_cases import every_store
from esafety_desktop.storage.models import Incident, IncidentPerson


@cache
def shipped_misuse_grid() -> dict[str, MisuseCategory]:
    text = (resources_dir() / "misuse_grid.toml").read_text(encoding="utf-8")
    return load_misuse_grid(text)


@open_to_every_role("the cases this account may see")
def misuse_suggestion(signed_in: SignedIn, person_id: int, category: str) -> Suggestion:
    """The grid's response for this pupil, from their earlier incidents in the category."""
    earlier = 0
    for session in every_store(signed_in):
        earlier += session.scalar(  # type: ignore[operator]
            select(func.count(func.distinct(Incident.id)))
            .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
            .where(IncidentPerson.person_id == person_id, Incident.misuse_category == category)
        )
    return suggest(shipped_misuse_grid(), category, earlier or 0)
