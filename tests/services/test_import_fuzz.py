"""Random damage to a valid export never crashes the importer and never half-imports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esafety_desktop.domain.mis_import import FileProblem
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services import people
from esafety_desktop.services.people_import import apply_import, open_table, plan_import
from tests.conftest import School

VALID = (Path(__file__).parent.parent / "domain" / "csv" / "sims_like.csv").read_bytes()
LINES = VALID.split(b"\r\n")

byte_damage = st.lists(
    st.tuples(
        st.integers(0, len(VALID) - 1),
        st.sampled_from(["flip", "drop", "insert"]),
        st.binary(min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=6,
)
row_damage = st.lists(
    st.tuples(
        st.integers(1, len(LINES) - 2),
        st.sampled_from(["duplicate", "delete", "blank_cell", "swap_cells", "garbage"]),
    ),
    min_size=1,
    max_size=4,
)


def _damage_bytes(data: bytes, edits: list[tuple[int, str, bytes]]) -> bytes:
    buffer = bytearray(data)
    for position, how, payload in edits:
        position %= max(len(buffer), 1)
        if how == "flip" and buffer:
            buffer[position] ^= payload[0] or 1
        elif how == "drop" and buffer:
            del buffer[position]
        else:
            buffer[position:position] = payload
    return bytes(buffer)


def _damage_rows(edits: list[tuple[int, str]]) -> bytes:
    lines = list(LINES)
    for index, how in edits:
        index = min(index, len(lines) - 1)
        cells = lines[index].split(b",")
        if how == "duplicate":
            lines.insert(index, lines[index])
        elif how == "delete" and len(lines) > 2:
            del lines[index]
        elif how == "blank_cell":
            cells[index % len(cells)] = b""
            lines[index] = b",".join(cells)
        elif how == "swap_cells" and len(cells) > 1:
            cells[0], cells[-1] = cells[-1], cells[0]
            lines[index] = b",".join(cells)
        else:
            lines[index] = b'"unclosed,\xff\x00,' + lines[index]
    return b"\r\n".join(lines)


def _try_import(school: School, data: bytes) -> None:
    before = len(people.list_people(school.signed_in))
    school.clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    try:
        table, mapping = open_table(data)
        plan = plan_import(school.signed_in, table, mapping, file_name="x.csv", full_roll=False)
    except FileProblem:
        assert len(people.list_people(school.signed_in)) == before
        return
    if plan.problems:
        try:
            apply_import(school.signed_in, plan, skip_rows=set())
        except InvalidInput:
            assert len(people.list_people(school.signed_in)) == before  # nothing half-imported
            return
        raise AssertionError("a file with problem rows was imported without skipping them")
    summary = apply_import(school.signed_in, plan, skip_rows=set())
    assert len(people.list_people(school.signed_in)) == before + summary.new


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=byte_damage)
def test_random_byte_damage(school: School, edits: list[tuple[int, str, bytes]]) -> None:
    _try_import(school, _damage_bytes(VALID, edits))


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=row_damage)
def test_random_row_damage(school: School, edits: list[tuple[int, str]]) -> None:
    _try_import(school, _damage_rows(edits))
