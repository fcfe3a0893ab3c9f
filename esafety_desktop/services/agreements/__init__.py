"""The Acceptable Use Agreement register: agreements and their versions, signatures (never
changed: corrections replace them), and who is covered on a given day.

The rules themselves live in ``domain.aup``; these modules load what they need, record what
the school does, and write the audit log. Callers import from here; the modules never do.

==============  ==========================================================================
Module          What it holds
==============  ==========================================================================
``versions``    the wording of each audience's agreement: starter texts, a new version
                (text or PDF), correcting the wording until the first signature
``signatures``  recording the forms that come back, corrections and withdrawals, a
                person's history
``coverage``    the register: coverage on a day, per person and per group, who is cleared
                or outstanding, the parents' rule as the school set it, where a person
                belongs (not named ``register``, which is the function callers use)
``printouts``   class and blank forms, the coverage summary, the cleared and not-cleared
                lists (PDF) and the cleared list as CSV for IT
``_common``     ``AgreementVersion`` and reading every version, which all of them need
==============  ==========================================================================

The school year's first day and whose forms a parent signs too are school settings, kept in
``services.settings``; they are named here as well so that older callers keep working.
"""

from __future__ import annotations

from esafety_desktop.services.agreements._common import AgreementVersion
from esafety_desktop.services.agreements.coverage import (
    CoverageCount,
    PersonCoverage,
    cleared_for_access,
    coverage_counts,
    person_coverage,
    place,
    register,
    renewal_rules,
)
from esafety_desktop.services.agreements.printouts import (
    ACCESS_KINDS,
    blank_forms,
    classes,
    cleared_csv,
    cleared_list,
    coverage_summary,
    not_cleared_list,
    pupil_forms,
    save_cleared_csv,
)
from esafety_desktop.services.agreements.signatures import (
    SignatureRecord,
    correct_signature,
    record_signatures,
    signature_history,
)
from esafety_desktop.services.agreements.versions import (
    add_version,
    change_version_text,
    issue_starter_agreements,
    list_versions,
    starter_text,
    version_pdf,
)
from esafety_desktop.services.settings import (
    PARENTS_SIGN,
    PARENTS_SIGN_SETTING,
    YEAR_START_SETTING,
    parents_sign,
    school_year_start,
    set_parents_sign,
    set_school_year_start,
)

__all__ = [
    "ACCESS_KINDS",
    "PARENTS_SIGN",
    "PARENTS_SIGN_SETTING",
    "YEAR_START_SETTING",
    "AgreementVersion",
    "CoverageCount",
    "PersonCoverage",
    "SignatureRecord",
    "add_version",
    "blank_forms",
    "change_version_text",
    "classes",
    "cleared_csv",
    "cleared_for_access",
    "cleared_list",
    "correct_signature",
    "coverage_counts",
    "coverage_summary",
    "issue_starter_agreements",
    "list_versions",
    "not_cleared_list",
    "parents_sign",
    "person_coverage",
    "place",
    "pupil_forms",
    "record_signatures",
    "register",
    "renewal_rules",
    "save_cleared_csv",
    "school_year_start",
    "set_parents_sign",
    "set_school_year_start",
    "signature_history",
    "starter_text",
    "version_pdf",
]
