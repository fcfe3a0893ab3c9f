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
               flowchart step, the summary (the wizard itself is ``ui/incident_wizard.py``)
step_form      StepForm: one flowchart step's form (answers and reasons; done, to do or not
               needed), shared by the wizard and carrying a case on
carry_on       CarryOnDialog: the case's next step (or one still to do) from the case view
newcomer_dialog  someone involved who is not on the register, added from the wizard
=============  ===========================================================================

The page composes them and keeps the list of cases, the drafts and the review-pack buttons.
"""
