"""The school's online-safety incident flowchart, as data.

The flowchart lives in a TOML file (``resources/flowcharts/online_safety.toml``) so a school can
change wording and local agencies without code. Loading checks it thoroughly: unknown keys are
refused with their line number; every step names its guidance source; every step can be
reached; there are no loops and no dead ends; and every path passes the step that records the
incident in the log before it ends. The incident wizard is built from what this returns.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field

from esafety_desktop.domain.contacts import LOCAL_CONTACTS, NATIONAL_CONTACTS

KINDS = ("question", "action", "guidance", "record", "end")
# Reference numbers an action can record, and what they are called on screen.
REFERENCES = {
    "police_incident": "Police incident number",
    "police_crime": "Police crime reference",
    "mash": "Children's social care / MASH reference",
    "lado": "LADO reference",
    "ceop": "CEOP report reference",
    "iwf": "IWF report reference",
    "prevent": "Prevent referral reference",
}
FORMS = ("initial_review_meeting", "device_site_review", "misuse_grid", "closing_questions")
ROUTES = ("headteacher", "chair_of_governors_and_lado")
EVIDENCE_RULES = ("no_images",)
BRANCHES = ("illegal", "unsuitable")
# A status a case takes once its path passes the step (back to the school's own procedures).
STEP_STATUSES = ("internal_procedures",)
# What a case waits for when a question's answer cannot be given yet ("still waiting for the
# police", "not sure yet"): the case stops at that question until it is answered.
WAITS = {"police": "the police's response", "advice": "advice"}
# The roles a person can have in a case (domain.incidents.PersonRole has the same keys).
ROLE_KEYS = (
    "target",
    "alleged_perpetrator",
    "saw_or_received",
    "witness",
    "reporter",
    "other",
)
CONTACT_KEYS = {c.key for c in (*LOCAL_CONTACTS, *NATIONAL_CONTACTS)}

_TOP_KEYS = {"flowchart", "sources", "steps", "roles"}
_FLOWCHART_KEYS = {"title", "start", "incident_log", "people_after"}
_SOURCE_KEYS = {"title", "section"}
_STEP_KEYS = {
    "id",
    "kind",
    "title",
    "text",
    "do",
    "do_not",
    "source",
    "next",
    "choices",
    "branch",
    "reference",
    "references",
    "contact",
    "contacts",
    "form",
    "routes_to",
    "evidence",
    "asks_reasons",
    "incident_type",
    "sets_status",
}
_CHOICE_KEYS = {"label", "next", "branch", "incident_type", "waits"}


class FlowchartError(ValueError):
    """The flowchart file is not usable; the message names the line and the fix."""


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    section: str


@dataclass(frozen=True)
class Choice:
    """An answer to a question. An answer that ``waits`` (for the police, for advice) has no
    next step: the case stops at its question until the real answer is known."""

    label: str
    next: str | None
    branch: str | None = None
    incident_type: str | None = None
    waits: str | None = None


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    title: str
    text: str
    source: str
    do: tuple[str, ...] = ()
    do_not: tuple[str, ...] = ()
    next: str | None = None
    choices: tuple[Choice, ...] = ()
    branch: str | None = None
    references: tuple[str, ...] = ()  # every agency's reference the step can record
    contacts: tuple[str, ...] = ()  # every agency the step names, with its number
    form: str | None = None
    routes_to: str | None = None
    evidence: str | None = None
    asks_reasons: bool = False
    incident_type: str | None = None
    sets_status: str | None = None

    def following(self) -> list[str]:
        if self.choices:
            return [c.next for c in self.choices if c.next]
        return [self.next] if self.next else []

    def choice(self, label: str | None) -> Choice | None:
        return next((c for c in self.choices if c.label == label), None)


@dataclass(frozen=True)
class Flowchart:
    title: str
    start: str
    incident_log: str
    sources: dict[str, Source]
    steps: dict[str, Step] = field(default_factory=dict)
    # The question whose answer says what the case is about; the people involved are asked for
    # after it, with the roles that fit (``roles``: incident type -> role keys; "default").
    people_after: str = ""
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def roles_for(self, incident_type: str | None) -> tuple[str, ...]:
        return self.roles.get(incident_type or "", self.roles.get("default", ROLE_KEYS))

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]

    def paths(self) -> Iterator[list[tuple[str, str | None]]]:
        """Every route from the start to an end, as (step id, choice label) pairs."""

        def walk(
            step_id: str, so_far: list[tuple[str, str | None]]
        ) -> Iterator[list[tuple[str, str | None]]]:
            step = self.steps[step_id]
            if step.kind == "end":
                yield [*so_far, (step_id, None)]
                return
            if step.choices:
                for choice in step.choices:
                    if choice.next:  # an answer that waits resumes here later
                        yield from walk(choice.next, [*so_far, (step_id, choice.label)])
            else:
                assert step.next is not None
                yield from walk(step.next, [*so_far, (step_id, None)])

        yield from walk(self.start, [])

    def incident_types(self) -> dict[str, str]:
        """Incident type keys and their labels, as the type question offers them."""
        found: dict[str, str] = {}
        for step in self.steps.values():
            for choice in step.choices:
                if choice.incident_type:
                    found[choice.incident_type] = choice.label
        return found


def load_flowchart(text: str) -> Flowchart:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FlowchartError(f"The flowchart file is not valid TOML: {exc}.") from None
    lines = _Lines(text)
    _only(raw, _TOP_KEYS, "the file", lines, 0)
    head = raw.get("flowchart")
    if not isinstance(head, dict):
        raise FlowchartError(
            "The flowchart file needs a [flowchart] table with start and incident_log."
        )
    _only(head, _FLOWCHART_KEYS, "[flowchart]", lines, lines.table("flowchart"))
    sources = {}
    for key, value in dict(raw.get("sources", {})).items():
        line = lines.table(f"sources.{key}")
        if not isinstance(value, dict) or not value.get("title"):
            raise FlowchartError(f"Line {line}: source {key!r} needs a title.")
        _only(value, _SOURCE_KEYS, f"source {key!r}", lines, line)
        sources[key] = Source(key, str(value["title"]), str(value.get("section", "")))
    steps: dict[str, Step] = {}
    step_lines = lines.array_tables("steps")
    raw_steps = raw.get("steps", [])
    if not raw_steps:
        raise FlowchartError("The flowchart has no steps.")
    for index, raw_step in enumerate(raw_steps):
        line = step_lines[index] if index < len(step_lines) else 0
        step = _step(raw_step, line, lines, sources)
        if step.id in steps:
            raise FlowchartError(f"Line {line}: a second step is called {step.id!r}.")
        steps[step.id] = step
    chart = Flowchart(
        title=str(head.get("title", "Online safety incident")),
        start=str(head.get("start", "")),
        incident_log=str(head.get("incident_log", "")),
        sources=sources,
        steps=steps,
        people_after=str(head.get("people_after", "")),
        roles=_roles(raw.get("roles", {}), lines),
    )
    _check_graph(
        chart, {s.id: step_lines[i] for i, s in enumerate(steps.values()) if i < len(step_lines)}
    )
    return chart


def _roles(raw: object, lines: _Lines) -> dict[str, tuple[str, ...]]:
    """``[roles]``: for each incident type (or ``default``), the roles its people may have."""
    line = lines.table("roles")
    if not isinstance(raw, dict):
        raise FlowchartError(f"Line {line}: [roles] is a table of incident type = [roles].")
    found = {}
    for key, value in raw.items():
        if not isinstance(value, list) or not value:
            raise FlowchartError(f"Line {lines.key_line(key, line)}: {key} needs a list of roles.")
        unknown = [v for v in value if v not in ROLE_KEYS]
        if unknown:
            raise FlowchartError(
                f"Line {lines.key_line(key, line)}: {unknown[0]!r} is not a role; the roles are "
                f"{', '.join(ROLE_KEYS)}."
            )
        found[str(key)] = tuple(str(v) for v in value)
    return found


def _listed(raw: dict[str, object], one: str, many: str, where: str) -> tuple[str, ...]:
    """A key that may name one thing or several (``contact`` or ``contacts = [...]``)."""
    values: list[object] = []
    if raw.get(one) is not None:
        values.append(raw[one])
    more = raw.get(many, [])
    if not isinstance(more, list):
        raise FlowchartError(f"{where}: {many} is a list.")
    values.extend(more)
    return tuple(dict.fromkeys(str(v) for v in values))


def _step(raw: dict[str, object], line: int, lines: _Lines, sources: dict[str, Source]) -> Step:
    _only(raw, _STEP_KEYS, f"step at line {line}", lines, line)
    step_id = str(raw.get("id", ""))
    where = f"Line {line} (step {step_id or '?'})"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", step_id):
        raise FlowchartError(
            f"{where}: every step needs an id of lower-case letters, digits and _."
        )
    kind = raw.get("kind")
    if kind not in KINDS:
        raise FlowchartError(f"{where}: kind must be one of {', '.join(KINDS)}.")
    if not raw.get("title"):
        raise FlowchartError(f"{where}: the step needs a title.")
    source = str(raw.get("source", ""))
    if source not in sources:
        raise FlowchartError(
            f"{where}: every step names its guidance source; {source!r} is not in [sources]."
        )
    choices = []
    for raw_choice in list(raw.get("choices", [])):  # type: ignore[call-overload]
        if not isinstance(raw_choice, dict):
            raise FlowchartError(f"{where}: each choice is a table with label and next.")
        unknown = set(raw_choice) - _CHOICE_KEYS
        if unknown:
            raise FlowchartError(
                f"{where}: a choice has unknown key(s) {', '.join(sorted(unknown))}."
            )
        waits = raw_choice.get("waits")
        if waits is not None and waits not in WAITS:
            raise FlowchartError(f"{where}: waits must be one of {', '.join(WAITS)}.")
        if not raw_choice.get("label") or bool(raw_choice.get("next")) == bool(waits):
            raise FlowchartError(
                f"{where}: each choice needs a label and either a next step or what it waits for."
            )
        branch = raw_choice.get("branch")
        if branch is not None and branch not in BRANCHES:
            raise FlowchartError(f"{where}: branch must be illegal or unsuitable.")
        choices.append(
            Choice(
                str(raw_choice["label"]),
                str(raw_choice["next"]) if raw_choice.get("next") else None,
                branch if isinstance(branch, str) else None,
                str(raw_choice["incident_type"]) if raw_choice.get("incident_type") else None,
                str(waits) if waits else None,
            )
        )
    if kind == "question" and len([c for c in choices if c.next]) < 2:
        raise FlowchartError(f"{where}: a question needs at least two answers that lead on.")
    if kind != "question" and choices:
        raise FlowchartError(f"{where}: only a question has choices.")
    if kind in ("action", "guidance", "record") and not raw.get("next"):
        raise FlowchartError(f"{where}: this step leads nowhere; give it a next step.")
    if kind == "end" and raw.get("next"):
        raise FlowchartError(f"{where}: an end step has no next step.")
    references = _listed(raw, "reference", "references", where)
    contacts = _listed(raw, "contact", "contacts", where)
    checks = (
        ("reference", references, REFERENCES),
        ("form", (raw.get("form"),), FORMS),
        ("routes_to", (raw.get("routes_to"),), ROUTES),
        ("evidence", (raw.get("evidence"),), EVIDENCE_RULES),
        ("branch", (raw.get("branch"),), BRANCHES),
        ("sets_status", (raw.get("sets_status"),), STEP_STATUSES),
        ("contact", contacts, CONTACT_KEYS),
    )
    for key, values, allowed in checks:
        for value in values:
            if value is not None and value not in allowed:
                raise FlowchartError(
                    f"{where}: {key} {value!r} is not one of {', '.join(sorted(allowed))}."
                )
    return Step(
        id=step_id,
        kind=str(kind),
        title=str(raw["title"]),
        text=str(raw.get("text", "")),
        source=source,
        do=tuple(str(x) for x in list(raw.get("do", []))),  # type: ignore[call-overload]
        do_not=tuple(str(x) for x in list(raw.get("do_not", []))),  # type: ignore[call-overload]
        next=str(raw["next"]) if raw.get("next") else None,
        choices=tuple(choices),
        branch=_text(raw.get("branch")),
        references=references,
        contacts=contacts,
        form=_text(raw.get("form")),
        routes_to=_text(raw.get("routes_to")),
        evidence=_text(raw.get("evidence")),
        asks_reasons=bool(raw.get("asks_reasons", kind == "question")),
        incident_type=_text(raw.get("incident_type")),
        sets_status=_text(raw.get("sets_status")),
    )


def _check_graph(chart: Flowchart, line_of: dict[str, int]) -> None:
    steps = chart.steps
    named = [("start", chart.start), ("incident_log", chart.incident_log)]
    if chart.people_after:
        named.append(("people_after", chart.people_after))
    for name, value in named:
        if value not in steps:
            raise FlowchartError(f"[flowchart] {name} names {value!r}, which is not a step.")
    if steps[chart.incident_log].kind != "record":
        raise FlowchartError("[flowchart] incident_log must name a step of kind record.")
    if chart.people_after and steps[chart.people_after].kind != "question":
        raise FlowchartError("[flowchart] people_after must name a question.")
    for step in steps.values():
        for following in step.following():
            if following not in steps:
                raise FlowchartError(
                    f"Line {line_of.get(step.id, 0)} (step {step.id}): next step {following!r} "
                    "does not exist."
                )
    # No loops: a depth-first walk that never meets a step already on its way.
    state: dict[str, int] = {}

    def visit(step_id: str, trail: list[str]) -> None:
        if state.get(step_id) == 1:
            loop = " → ".join([*trail[trail.index(step_id) :], step_id])
            raise FlowchartError(f"The flowchart loops: {loop}.")
        if state.get(step_id) == 2:
            return
        state[step_id] = 1
        for following in steps[step_id].following():
            visit(following, [*trail, step_id])
        state[step_id] = 2

    visit(chart.start, [])
    unreached = [s for s in steps if s not in state]
    if unreached:
        first = min(unreached, key=lambda s: line_of.get(s, 0))
        raise FlowchartError(
            f"Line {line_of.get(first, 0)} (step {first}): no path from the start reaches it."
        )
    for path in chart.paths():
        visited = [step_id for step_id, _ in path]
        if chart.incident_log not in visited:
            shown = " → ".join(visited)
            raise FlowchartError(
                f"A path never records the incident in the log ({chart.incident_log}): {shown}."
            )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _only(
    table: dict[str, object], allowed: set[str], what: str, lines: _Lines, start: int
) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        line = lines.key_line(unknown[0], start)
        raise FlowchartError(
            f"Line {line}: {what} has an unknown key {unknown[0]!r}; the keys it may have are "
            f"{', '.join(sorted(allowed))}."
        )


class _Lines:
    """Finds line numbers in the TOML text (tomllib does not give them)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def table(self, name: str) -> int:
        pattern = re.compile(rf"^\s*\[\s*{re.escape(name)}\s*\]")
        return next((i + 1 for i, line in enumerate(self.lines) if pattern.match(line)), 0)

    def array_tables(self, name: str) -> list[int]:
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
        return [i + 1 for i, line in enumerate(self.lines) if pattern.match(line)]

    def key_line(self, key: str, start: int) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(max(start - 1, 0), len(self.lines)):
            if pattern.match(self.lines[i]):
                return i + 1
        return start
