"""The parts of the Incidents page (``ui/pages/incidents.py``), split by what the user does.

=============  ===========================================================================
module         holds
=============  ===========================================================================
filter_bar     FilterBar: the search box and the filters above the cases; CaseFilter, the
               plain choice that says whether a case matches (testable without widgets)
case_view      case_html, the chosen case as HTML (a plain function); CaseView shows it
case_actions   CaseActions: the buttons under the chosen case and what each one does
               (dialogs, writes on the worker, documents to print)
wizard_pages   the incident wizard's pages: the report, the people involved, one page per
               flowchart step (the wizard itself is ``ui/incident_wizard.py``)
=============  ===========================================================================

The page composes them and keeps the list of cases, the drafts and the review-pack buttons.
"""
