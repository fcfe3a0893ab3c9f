"""Recording incidents: drafts while the wizard is open, the case and everything done on it after.

Split by what the user does; callers import from here, as before
(``from esafety_desktop.services import incidents``).

==============  ==========================================================================
module          holds
==============  ==========================================================================
recording       NewIncident, record_incident, account_holders and who a case is kept from,
                its reference and status after the walk, shipped_flowchart
drafts          DraftInfo, save_draft, my_drafts, load_draft, discard_draft
chronology      ChronologyEntry, chronology, add_note, correct_entry
status          Closing, change_status, open_case_count, sign_off, awaiting_sign_off
actions         ActionInfo, add_action, complete_action, actions
evidence        EvidenceItem, add_evidence, evidence_for
device_reviews  record_device_review, device_review_form
search          search_words, search_incidents, _reindex (each case's search text)
records         IncidentSummary, Involved, list_incidents, incident_summary, PersonIncident,
                incidents_about,
                incident_record, incident_record_data
misuse          shipped_misuse_grid, misuse_suggestion
plan            case_plan, carry_on: the flowchart as the case's living plan (each step's
                latest answer, steps to do as actions, the status the plan gives)
flowcharts      shipped_flowchart
_common         visible_to, and the helpers every module shares (_visible_incident, _entry,
                _local, _case_changed)
==============  ==========================================================================

The modules import ``_common`` and each other, never this package, so there is no import
cycle. ``chronology`` and ``actions`` here are the functions, not the modules.
"""

from __future__ import annotations

from esafety_desktop.services.incidents._common import visible_to
from esafety_desktop.services.incidents.actions import (
    ActionInfo,
    actions,
    add_action,
    complete_action,
)
from esafety_desktop.services.incidents.chronology import (
    ChronologyEntry,
    add_note,
    chronology,
    correct_entry,
)
from esafety_desktop.services.incidents.device_reviews import (
    device_review_form,
    record_device_review,
)
from esafety_desktop.services.incidents.drafts import (
    DraftInfo,
    discard_draft,
    load_draft,
    my_drafts,
    save_draft,
)
from esafety_desktop.services.incidents.evidence import EvidenceItem, add_evidence, evidence_for
from esafety_desktop.services.incidents.misuse import misuse_suggestion, shipped_misuse_grid
from esafety_desktop.services.incidents.plan import carry_on, case_plan
from esafety_desktop.services.incidents.recording import (
    HEAD_ROUTE,
    AccountHolder,
    NewIncident,
    account_holders,
    record_incident,
    shipped_flowchart,
)
from esafety_desktop.services.incidents.records import (
    IncidentSummary,
    Involved,
    PersonIncident,
    incident_record,
    incident_record_data,
    incident_summary,
    incidents_about,
    list_incidents,
)
from esafety_desktop.services.incidents.search import (
    SHORTEST_WORD,
    search_incidents,
    search_words,
)

# bench/ rebuilds search text after writing cases directly
from esafety_desktop.services.incidents.search import _reindex as _reindex
from esafety_desktop.services.incidents.status import (
    Closing,
    awaiting_sign_off,
    change_status,
    open_case_count,
    sign_off,
)

__all__ = [
    "HEAD_ROUTE",
    "SHORTEST_WORD",
    "AccountHolder",
    "ActionInfo",
    "ChronologyEntry",
    "Closing",
    "DraftInfo",
    "EvidenceItem",
    "IncidentSummary",
    "Involved",
    "NewIncident",
    "PersonIncident",
    "account_holders",
    "actions",
    "add_action",
    "add_evidence",
    "add_note",
    "awaiting_sign_off",
    "carry_on",
    "case_plan",
    "change_status",
    "chronology",
    "complete_action",
    "correct_entry",
    "device_review_form",
    "discard_draft",
    "evidence_for",
    "incident_record",
    "incident_record_data",
    "incident_summary",
    "incidents_about",
    "list_incidents",
    "load_draft",
    "misuse_suggestion",
    "my_drafts",
    "open_case_count",
    "record_device_review",
    "record_incident",
    "save_draft",
    "search_incidents",
    "search_words",
    "shipped_flowchart",
    "shipped_misuse_grid",
    "sign_off",
    "visible_to",
]
