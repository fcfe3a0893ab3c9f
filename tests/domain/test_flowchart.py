"""The shipped flowchart, walked path by path, and every way a school's edit can go wrong."""

from __future__ import annotations

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
    """Follow the flowchart choosing by label prefix; returns the step ids visited."""
    step, seen, wanted = chart.step(chart.start), [], list(choices)
    while True:
        seen.append(step.id)
        if step.kind == "end":
            return seen
        if step.choices:
            prefix = wanted.pop(0)
            step = chart.step(next(c.next for c in step.choices if c.label.startswith(prefix)))
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
            ["No", "Filtering", "Yes", "Still"],
            ["filtering_record", "filtering_report", "police_report"],
        ),
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
    assert walk[3] == WalkStep(
        "bullying_evidence", done_by="Alex Morgan", outcome="Screenshots kept"
    )
    assert walk[-1].step_id == "monitor"
    with pytest.raises(WalkProblem, match="no answer begins 'Nudges'"):
        walk_from_answers(chart, [("No", "Safe."), ("Nudges", "typo")])
    with pytest.raises(WalkProblem, match="no answer left"):
        walk_from_answers(chart, [("No", "Safe.")])
    with pytest.raises(WalkProblem, match="1 answer"):
        walk_from_answers(
            chart,
            [("No", "."), ("Cyberbullying", "."), ("No", "."), ("Extra", ".")],
        )
