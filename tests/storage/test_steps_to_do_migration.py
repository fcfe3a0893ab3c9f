"""Migration 0008: a step an earlier version recorded as done with no outcome (often "done by"
filled in by the app itself) keeps its entry and gains a correction saying its completion was
not confirmed, so that the case's plan shows it outstanding until the DSL says otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from esafety_desktop.domain.incidents import StepState, plan_of
from esafety_desktop.services.incidents.flowcharts import shipped_flowchart
from esafety_desktop.services.incidents.plan import _answers
from esafety_desktop.storage.engine import create_encrypted_engine
from esafety_desktop.storage.migrate import current_revision, head_revision, upgrade_to_head
from tests.storage.fixtures.make_schema_fixtures import FIXTURE_KEY, HERE, RELEASED, make

CASE = 2  # the case these rows add to the 0007 fixture (which has case 1)
ENTRY_COLUMNS = (
    "id, incident_id, recorded_at, author_id, author_name, kind, step_id, title, choice, "
    "reasons, done_by, outcome, reference_kind, reference_value, text, corrects_id"
)


def _entry(
    step_id: str | None,
    title: str,
    *,
    kind: str = "step",
    choice: str | None = None,
    reasons: str = "",
    done_by: str = "",
    outcome: str = "",
) -> str:
    """An entry as versions before 0008 wrote them (no state)."""

    def quoted(value: str | None) -> str:
        return "NULL" if value is None else "'" + value.replace("'", "''") + "'"

    return (
        "INSERT INTO incident_entry (incident_id, recorded_at, author_id, author_name, kind, "
        "step_id, title, choice, reasons, done_by, outcome, text) VALUES "
        f"({CASE}, '2026-11-20 09:30:00.000000', 1, 'Fixture DSL', {quoted(kind)}, "
        f"{quoted(step_id)}, {quoted(title)}, {quoted(choice)}, {quoted(reasons)}, "
        f"{quoted(done_by)}, {quoted(outcome)}, '')"
    )


# A cyberbullying case walked to the end before 0008: every action "done by" the DSL, the
# debrief with no outcome (as the old wizard let it be saved), the others with one.
OLD_CASE = [
    "INSERT INTO incident (id, reference, status, incident_type, branch, summary, child_words, "
    "reported_by, reported_at, created_by_id, created_at) VALUES (2, 'OS-2026-0002', "
    "'open', 'cyberbullying', 'unsuitable', 'Fixture bullying case', '', 'Fixture teacher', "
    "'2026-11-20 09:00:00.000000', 1, '2026-11-20 09:30:00.000000')",
    _entry("report", "A concern has been reported to the DSL"),
    _entry("immediate_risk", "Is a child at immediate risk of harm?", choice="No", reasons="."),
    _entry("incident_type", "What is the concern about?", choice="Cyberbullying", reasons="."),
    _entry(
        "bullying_evidence",
        "Keep evidence and support those involved",
        done_by="Fixture DSL",
        outcome="Screenshots kept",
    ),
    _entry(
        "strategy_meeting",
        "Initial review or professional strategy meeting",
        done_by="Fixture DSL",
        outcome="Plan agreed",
    ),
    _entry("device_review_needed", "Do devices or websites need reviewing?", choice="No"),
    _entry("record", "Record the details in the incident log"),
    _entry("debrief", "Debrief on the incident", done_by="Fixture DSL", outcome=""),
    _entry(
        "review_policies",
        "Review policies and share experience and practice",
        done_by="Fixture DSL",
        outcome="Reviewed",
    ),
    _entry(
        "implement_changes", "Implement changes", done_by="Fixture DSL", outcome="Staff briefed"
    ),
    _entry("monitor", "Monitor the situation"),
    # An action set on the case (not a step): its "done by" is its owner, never confirmed.
    _entry(None, "Action set: ring the parents", kind="action", done_by="Fixture DSL"),
]


def test_a_step_done_with_no_outcome_becomes_not_confirmed_and_outstanding(
    tmp_path: Path,
) -> None:
    path = make("0007", [*RELEASED["0007"], *OLD_CASE], folder=tmp_path)
    engine = create_encrypted_engine(path, FIXTURE_KEY)
    with engine.connect() as connection:
        before = connection.execute(
            text(f"SELECT {ENTRY_COLUMNS} FROM incident_entry ORDER BY id")
        ).all()
    debrief_id = next(row.id for row in before if row.step_id == "debrief")

    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        after = connection.execute(
            text(f"SELECT {ENTRY_COLUMNS} FROM incident_entry ORDER BY id")
        ).all()
        new_columns = connection.execute(
            text(
                "SELECT state, happened_at, owner, due, more_references FROM incident_entry "
                "WHERE id <= :last"
            ),
            {"last": before[-1].id},
        ).all()
        (correction,) = connection.execute(
            text(
                "SELECT incident_id, author_id, kind, step_id, title, state, corrects_id, "
                "done_by, outcome, reasons FROM incident_entry WHERE id > :last"
            ),
            {"last": before[-1].id},
        ).all()
        in_register = connection.execute(text("SELECT in_register FROM person")).scalars().all()
    # The record is append-only: every old entry is as it was, with nothing in the new columns.
    assert after[: len(before)] == before
    assert set(new_columns) == {(None, None, None, None, None)}
    # Exactly one correction, on the debrief with no outcome; none on the steps with one, on the
    # action, or on case 1's entry (nobody's name in "done by").
    assert len(after) == len(before) + 1
    assert correction.incident_id == CASE and correction.author_id == 1
    assert (correction.kind, correction.step_id, correction.state, correction.corrects_id) == (
        "correction",
        "debrief",
        StepState.UNCONFIRMED.value,
        debrief_id,
    )
    assert correction.title == "Not confirmed: Debrief on the incident"
    assert (correction.done_by, correction.outcome) == ("", "")
    assert "Not confirmed" in correction.reasons
    assert in_register == [1]  # the register's people stay on it

    # The case's plan shows the debrief outstanding, and the case cannot close for it.
    with Session(engine) as session:
        answers = _answers(session, CASE)
    assert answers["debrief"].state is StepState.UNCONFIRMED
    assert answers["review_policies"].state is StepState.DONE  # done, with its outcome
    assert answers["review_policies"].outcome == "Reviewed"
    plan = plan_of(shipped_flowchart(), answers)
    assert plan.reached_end and plan.next_step is None
    assert [(p.step.id, p.state) for p in plan.outstanding] == [("debrief", StepState.UNCONFIRMED)]
    problem = plan.closing_problem()
    assert problem is not None and "“Debrief on the incident” (not confirmed)" in problem
    engine.dispose()


def test_the_0008_fixture_keeps_its_steps_to_do_and_people_off_the_register(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "schema_0008.db"
    shutil.copy(HERE / "schema_0008.db", copy)
    engine = create_encrypted_engine(copy, FIXTURE_KEY)
    upgrade_to_head(engine)
    with engine.connect() as connection:
        action = connection.execute(
            text("SELECT step_id, owner, due, done_at FROM incident_action")
        ).one()
        to_do = connection.execute(
            text("SELECT owner, due, done_by FROM incident_entry WHERE state = 'to_do'")
        ).one()
        people = connection.execute(
            text("SELECT surname, in_register, platform FROM person ORDER BY id")
        ).all()
    assert tuple(action) == ("strategy_meeting", "Fixture DSL", "2026-12-08", None)
    assert tuple(to_do) == ("Fixture DSL", "2026-12-08", "")
    assert [tuple(p) for p in people] == [
        ("Pupil", 1, None),
        ("Unknown person (fixture_user)", 0, "Fixture Chat"),
    ]
    with Session(engine) as session:
        answers = _answers(session, 1)
    assert answers["strategy_meeting"].state is StepState.TO_DO
    done = answers["bullying_evidence"]
    assert done.state is StepState.DONE
    assert done.references == (("mash", "MASH-0008"), ("police_crime", "CR-0008"))
    assert done.done_at is not None
    engine.dispose()
