"""The headteacher's offline review: export a pack of cases, review it anywhere, bring it back.

The DSL exports chosen cases into a pack file with its own key and is shown a one-time
passphrase to pass on separately (by telephone or on paper, never with the file). The reviewer
opens the pack in review mode on any PC (no school password, no keyring), reads each case,
adds comments, marks it reviewed or signs it off; the pack keeps those. The DSL then imports
the returned pack: it must be this school's, one of its exports and unaltered; the reviewer's
entries join each case's chronology, and the pack's printing and saving reach the audit log. A
pack can come back more than once (the head reviews more after the first import): each entry
is identified by its hash in the pack's chain, so only what is new is added, never twice.
"""

from esafety_desktop.services.review_packs._entries import (
    COMMENT,
    CORRECTION,
    ENTRY_LABELS,
    FOR_THE_CHRONOLOGY,
    PACK_SUFFIX,
    PRINTED,
    REVIEWED,
    SAVED,
    SIGNED_OFF,
    entry_title,
    entry_when,
)
from esafety_desktop.services.review_packs.exporting import (
    RECENT_DAYS,
    CaseForReview,
    ExportedPack,
    ReviewChoice,
    cases_for_review,
    evidence_file_count,
    export_review_pack,
    head_allegations,
    kept_from_the_head,
    never_in_a_pack,
    review_choice,
)
from esafety_desktop.services.review_packs.returning import (
    ImportedReview,
    ReturnedCase,
    ReturnedReview,
    import_review,
    read_returned_pack,
)
from esafety_desktop.services.review_packs.review_mode import OpenPack, open_for_review
from esafety_desktop.storage.review_pack import PackCase, PackEntry, PackProblem

__all__ = [
    "COMMENT",
    "CORRECTION",
    "ENTRY_LABELS",
    "FOR_THE_CHRONOLOGY",
    "PACK_SUFFIX",
    "PRINTED",
    "RECENT_DAYS",
    "REVIEWED",
    "SAVED",
    "SIGNED_OFF",
    "CaseForReview",
    "ExportedPack",
    "ImportedReview",
    "OpenPack",
    "PackCase",
    "PackEntry",
    "PackProblem",
    "ReturnedCase",
    "ReturnedReview",
    "ReviewChoice",
    "cases_for_review",
    "entry_title",
    "entry_when",
    "evidence_file_count",
    "export_review_pack",
    "head_allegations",
    "import_review",
    "kept_from_the_head",
    "never_in_a_pack",
    "open_for_review",
    "read_returned_pack",
    "review_choice",
]
