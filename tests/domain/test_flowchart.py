"""The shipped flowchart, walked path by path, and every way a school's edit can go wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from esafety_desktop.domain.flowchart import FlowchartError, load_flowchart
from esafety_desktop.paths import resources_dir

SHIPPED = resources_dir() / "flowcharts" / "online_safety.toml"


@pytest.fixture(scope="module")
def chart():  # type: ignore[no-untyped-def]
    return load_flowchart(SHIPPED.read_text(encoding="utf-8"))


def test_every_path_records_the_incident_then_ends_in_monitoring(chart) -> None:  # type: ignore[no-untyped-def]
    paths = list(chart.paths())
    assert len(paths) > 50
    for path in paths:
        ids = [step_id for step_id, _ in path]
        assert ids[0] == "report"
        assert ids[-1] == "monitor"
        assert ids[-5:] == ["record", "debrief", "review_policies", "implement_changes", "monitor"]
        assert ids.count("record") == 1


def test_every_step_is_on_some_path_and_names_a_source(chart) -> None:  # type: ignore[no-untyped-def]
    on_a_path = {step_id for path in chart.paths() for step_id, _ in path}
    assert on_a_path == set(chart.steps)
    for step in chart.steps.values():
        assert step.source in chart.sources


def test_every_special_procedure_of_the_policies_is_offered(chart) -> None:  # type: ignore[no-untyped-def]
    assert set(chart.incident_types()) == {
        "nudes",
        "iioc",
        "exploitation",
        "harassment",
        "cyberbullying",
        "hate",
        "radicalisation",
        "filtering",
        "staff_misuse",
        "pupil_misuse",
        "other_unsuitable",
        "other_illegal",
    }


def test_imagery_cases_refuse_images_and_staff_cases_route_upwards(chart) -> None:  # type: ignore[no-untyped-def]
    assert chart.step("nudes_do_not_view").evidence == "no_images"
    assert chart.step("iioc_do_not_view").evidence == "no_images"
    assert any("View" in d for d in chart.step("nudes_do_not_view").do_not)
    assert chart.step("staff_to_head").routes_to == "headteacher"
    assert chart.step("head_to_chair").routes_to == "chair_of_governors_and_lado"
    assert chart.step("nudes_review_meeting").form == "initial_review_meeting"
    assert chart.step("device_review").form == "device_site_review"
    assert chart.step("misuse_grid").form == "misuse_grid"


def _walk(chart, choices: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Follow the flowchart choosing by label prefix; returns the step ids visited (stopping
    at a question whose answer waits, for the police or for advice)."""
    step, seen, wanted = chart.step(chart.start), [], list(choices)
    while True:
        seen.append(step.id)
        if step.kind == "end":
            return seen
        if step.choices:
            prefix = wanted.pop(0)
            choice = next(c for c in step.choices if c.label.startswith(prefix))
            if choice.next is None:
                assert not wanted, "nothing follows an answer that waits"
                return seen
            step = chart.step(choice.next)
        else:
            step = chart.step(step.next)


@pytest.mark.parametrize(
    ("choices", "must_visit"),
    [
        (["No", "Nudes", "Yes", "No"], ["nudes_review_meeting", "nudes_refer"]),
        (["No", "Nudes", "No", "Yes"], ["nudes_in_school"]),
        (
            ["No", "Indecent", "Yes", "Illegal"],
            ["iioc_police", "iioc_iwf", "iioc_head_lado", "police_investigate"],
        ),
        (["No", "A member of staff", "Yes", "No", "No"], ["head_to_chair", "strategy_meeting"]),
        (["No", "Cyberbullying", "No"], ["bullying_evidence", "strategy_meeting"]),
        (
            ["No", "Filtering", "Yes", "Illegal"],
            ["filtering_record", "filtering_report", "police_report", "police_investigate"],
        ),
        (["No", "Sexual abuse", "No illegal"], ["exploitation_ceop", "internal_procedures"]),
        (["Yes", "Misuse", "Yes"], ["call_999", "misuse_grid", "device_review"]),
    ],
)
def test_the_policy_routes_through_the_flowchart(
    chart, choices: list[str], must_visit: list[str]
) -> None:  # type: ignore[no-untyped-def]
    visited = _walk(chart, choices)
    for step_id in must_visit:
        assert step_id in visited
    assert "record" in visited


MINIMAL = """
[flowchart]
start = "a"
incident_log = "log"

[sources.s]
title = "A policy"

[[steps]]
id = "a"
kind = "guidance"
title = "Start"
source = "s"
next = "log"

[[steps]]
id = "log"
kind = "record"
title = "Record"
source = "s"
next = "done"

[[steps]]
id = "done"
kind = "end"
title = "Done"
source = "s"
"""


def test_a_minimal_flowchart_loads() -> None:
    assert [s for s, _ in next(load_flowchart(MINIMAL).paths())] == ["a", "log", "done"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace('title = "Start"', 'title = "Start"\ncolour = "red"'),
            r"Line 13: .* unknown key 'colour'",
        ),
        (
            lambda t: t.replace('next = "log"\n', "", 1),
            r"Line 9 \(step a\): this step leads nowhere",
        ),
        (lambda t: t.replace('next = "done"', 'next = "a"'), "The flowchart loops: a → log → a"),
        (
            lambda t: t.replace(
                'kind = "guidance"\ntitle = "Start"\nsource = "s"\nnext = "log"',
                'kind = "question"\ntitle = "Start"\nsource = "s"\nchoices = [{ label = "x", '
                'next = "log" }, { label = "y", next = "done" }]',
            ),
            "never records the incident in the log",
        ),
        (
            lambda t: t.replace('source = "s"\nnext = "log"', 'source = "nowhere"\nnext = "log"'),
            "names its guidance source",
        ),
        (
            lambda t: t.replace('next = "log"\n', 'next = "nope"\n', 1),
            "next step 'nope' does not exist",
        ),
        (
            lambda t: t + '\n[[steps]]\nid = "lost"\nkind = "end"\ntitle = "Lost"\nsource = "s"\n',
            r"step lost\): no path from the start reaches it",
        ),
        (lambda t: t.replace("[flowchart]", "[flowchart"), "not valid TOML"),
        (lambda t: t.replace('kind = "guidance"', 'kind = "maybe"'), "kind must be one of"),
    ],
)
def test_a_broken_edit_is_refused_with_where_and_why(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FlowchartError, match=message):
        load_flowchart(edit(MINIMAL))


def test_the_shipped_file_is_where_the_bundle_expects_it() -> None:
    assert SHIPPED.exists()
    assert (
        Path(SHIPPED)
        .read_text(encoding="utf-8")
        .startswith("# The online-safety incident flowchart")
    )


def test_a_scripted_walk_follows_the_answers_and_names_what_does_not_fit(chart) -> None:  # type: ignore[no-untyped-def]
    from esafety_desktop.domain.incidents import (
        StepState,
        WalkProblem,
        WalkStep,
        check_walk,
        walk_from_answers,
    )

    walk = walk_from_answers(
        chart,
        [("No", "Safe."), ("Cyberbullying", "Unkind messages."), ("No", "Nothing to review.")],
        {"bullying_evidence": WalkStep("bullying_evidence", outcome="Screenshots kept")},
        done_by="Alex Morgan",
    )
    check_walk(chart, walk)
    # A scripted action the details leave undecided is said to be done, by done_by, "Done".
    assert walk[3] == WalkStep(
        "bullying_evidence",
        state=StepState.DONE,
        done_by="Alex Morgan",
        outcome="Screenshots kept",
    )
    assert walk[4] == WalkStep(
        "strategy_meeting", state=StepState.DONE, done_by="Alex Morgan", outcome="Done"
    )
    assert walk[-1].step_id == "monitor"
    # What the details do say is kept: a step to do stays to do, with nobody's name on it.
    later = WalkStep("debrief", state=StepState.TO_DO, owner="Alex Morgan", due=date(2026, 12, 1))
    walk = walk_from_answers(
        chart,
        [("No", "Safe."), ("Cyberbullying", "Unkind messages."), ("No", "Nothing to review.")],
        {"debrief": later},
        done_by="Alex Morgan",
    )
    assert next(w for w in walk if w.step_id == "debrief") == later
    # It stops before stop_at, and at an answer that waits.
    short = walk_from_answers(
        chart,
        [("No", "Safe."), ("Cyberbullying", "Unkind.")],
        done_by="Alex Morgan",
        stop_at="strategy_meeting",
    )
    assert [w.step_id for w in short][-1] == "bullying_evidence"
    check_walk(chart, short)
    waiting = walk_from_answers(
        chart,
        [("No", "Safe."), ("Sexual abuse", "Grooming."), ("Still waiting", "Police visiting.")],
        done_by="Alex Morgan",
    )
    assert waiting[-1] == WalkStep(
        "police_outcome", choice="Still waiting for the police", reasons="Police visiting."
    )
    check_walk(chart, waiting)
    with pytest.raises(WalkProblem, match="no answer begins 'Nudges'"):
        walk_from_answers(chart, [("No", "Safe."), ("Nudges", "typo")])
    with pytest.raises(WalkProblem, match="no answer left"):
        walk_from_answers(chart, [("No", "Safe.")])
    with pytest.raises(WalkProblem, match="1 answer"):
        walk_from_answers(
            chart,
            [("No", "."), ("Cyberbullying", "."), ("No", "."), ("Extra", ".")],
        )


def test_answers_that_wait_roles_and_every_agency_are_in_the_shipped_flowchart(chart) -> None:  # type: ignore[no-untyped-def]
    waiting = {(step.id, c.waits) for step in chart.steps.values() for c in step.choices if c.waits}
    assert waiting == {
        ("police_outcome", "police"),
        ("hate_criminal", "advice"),
        ("filtering_illegal", "advice"),
        ("staff_illegal", "advice"),
    }
    for step_id, _ in waiting:  # a waiting answer has nowhere to go; the others still lead on
        assert all(c.next is None for c in chart.step(step_id).choices if c.waits)
        assert len(chart.step(step_id).following()) >= 2
    assert chart.step("police_outcome").choice("Still waiting for the police") is not None
    assert chart.people_after == "incident_type"
    assert "target" not in chart.roles_for("filtering")
    assert "saw_or_received" in chart.roles_for("filtering")
    assert "saw_or_received" not in chart.roles_for("cyberbullying")  # the default roles
    assert chart.roles_for(None) == chart.roles["default"]
    assert set(chart.step("exploitation_police").references) == {"police_crime", "mash"}
    assert set(chart.step("nudes_refer").references) == {"mash", "police_crime"}
    assert chart.step("exploitation_ceop").references == ("ceop",)
    assert chart.step("exploitation_ceop").contacts == ("ceop",)
    assert set(chart.step("filtering_report").references) == {"iwf", "ceop", "police_crime"}


QUESTION = MINIMAL.replace(
    'kind = "guidance"\ntitle = "Start"\nsource = "s"\nnext = "log"',
    'kind = "question"\ntitle = "Start"\nsource = "s"\nchoices = [{ label = "x", next = "log" }, '
    '{ label = "y", next = "log" }, { label = "z", waits = "police" }]',
).replace('incident_log = "log"', 'incident_log = "log"\npeople_after = "a"')


def test_a_question_may_wait_and_a_flowchart_may_say_which_roles_fit() -> None:
    chart = load_flowchart(QUESTION + '\n[roles]\ndefault = ["target", "witness"]\n')
    assert chart.step("a").choice("z").waits == "police"  # type: ignore[union-attr]
    assert chart.step("a").following() == ["log", "log"]
    assert chart.roles_for("anything") == ("target", "witness")
    assert len(list(chart.paths())) == 2  # a path never goes through an answer that waits


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('waits = "police"', 'waits = "tea"'), "waits must be one of"),
        (
            lambda t: t.replace('waits = "police"', 'waits = "police", next = "log"'),
            "either a next step or what it waits for",
        ),
        (
            lambda t: t.replace('{ label = "y", next = "log" }, ', ""),
            "at least two answers that lead on",
        ),
        (
            lambda t: t.replace('people_after = "a"', 'people_after = "log"'),
            "people_after must name a question",
        ),
        (lambda t: t + '\n[roles]\ndefault = ["bystander"]\n', "'bystander' is not a role"),
        (
            lambda t: t.replace('title = "Record"', 'title = "Record"\nreferences = ["fbi"]'),
            "reference 'fbi' is not one of",
        ),
    ],
)
def test_a_broken_wait_role_or_reference_is_refused(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FlowchartError, match=message):
        load_flowchart(edit(QUESTION))


def test_a_walk_may_stop_once_the_concern_is_known_and_nothing_follows_a_wait(chart) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from esafety_desktop.domain.incidents import (
        IncidentStatus,
        StepState,
        WalkProblem,
        WalkStep,
        automatic_status,
        check_walk,
        plan_of,
    )

    start = [WalkStep("report"), WalkStep("immediate_risk", choice="No", reasons="Safe.")]
    with pytest.raises(WalkProblem, match="Answer “What is the concern about\\?” before"):
        check_walk(chart, start)
    grooming = WalkStep(
        "incident_type", choice=chart.step("incident_type").choices[2].label, reasons="Photo."
    )
    check_walk(chart, [*start, grooming])  # stops right after the concern: allowed
    waiting = [
        *start,
        grooming,
        WalkStep("exploitation_ceop", state=StepState.NOT_NEEDED, reasons="Police will."),
        WalkStep("exploitation_police", state=StepState.DONE, done_by="Jo", outcome="Reported"),
        WalkStep("police_outcome", choice="Still waiting for the police", reasons="Visit due."),
    ]
    check_walk(chart, waiting)
    with pytest.raises(WalkProblem, match="Step 7 follows an answer that waits"):
        check_walk(chart, [*waiting, WalkStep("record")])
    now = datetime(2026, 11, 20, 10, 0)
    late = WalkStep(
        "exploitation_police",
        state=StepState.DONE,
        done_by="Jo",
        outcome="Reported",
        done_at=datetime(2026, 11, 20, 10, 5),
    )
    with pytest.raises(WalkProblem, match="cannot have been done later than now"):
        check_walk(chart, [*waiting[:4], late], now)
    check_walk(chart, [*waiting[:4], late], datetime(2026, 11, 20, 10, 5))

    plan = plan_of(chart, {w.step_id: w for w in waiting})
    assert plan.waiting_for == "police" and plan.next_step.id == "police_outcome"  # type: ignore[union-attr]
    assert plan.outstanding == []  # not needed is not outstanding
    assert automatic_status(plan, IncidentStatus.OPEN) is IncidentStatus.AWAITING_POLICE
    # A status the DSL chose is theirs to change.
    assert automatic_status(plan, IncidentStatus.MONITORING) is IncidentStatus.MONITORING
    assert automatic_status(plan, IncidentStatus.CLOSED) is IncidentStatus.CLOSED
    problem = plan.closing_problem()
    assert problem is not None and "Waiting for the police's response" in problem


def test_a_step_may_set_only_the_statuses_a_path_can_give() -> None:
    chart = load_flowchart(
        MINIMAL.replace('next = "log"', 'next = "log"\nsets_status = "internal_procedures"')
    )
    assert chart.step("a").sets_status == "internal_procedures"
    with pytest.raises(FlowchartError, match="sets_status 'closed' is not one of"):
        load_flowchart(MINIMAL.replace('next = "log"', 'next = "log"\nsets_status = "closed"'))
    shipped = load_flowchart(SHIPPED.read_text(encoding="utf-8"))
    assert shipped.step("internal_procedures").sets_status == "internal_procedures"
