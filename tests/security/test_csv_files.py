"""Issue 19, item 7: CSV files, in and out.

In: the size is checked before a byte is read (a 2 GB "export" is refused at once, not read
into memory), the separator is guessed from a bounded sample (``csv.Sniffer`` is quadratic on
long lines), and random bytes, odd encodings and huge lines never crash the import nor import
half a file. Out: no cell of the cleared list can be run as a formula by a spreadsheet,
including one that starts with a TAB, a carriage return, or spaces before ``= + - @``
(OWASP's list)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esafety_desktop.domain import mis_import
from esafety_desktop.domain.mis_import import FileProblem
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.services import agreements, people
from esafety_desktop.services.people_import import read_export_file
from tests.conftest import School
from tests.services.test_import_fuzz import _try_import

VALID = (Path(__file__).parent.parent / "domain" / "csv" / "sims_like.csv").read_bytes()


def test_a_huge_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "roll.csv"
    with huge.open("wb") as file:
        file.truncate(2 * 1024**3)  # 2 GB, sparse: nothing is written to the disk

    def never(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("the whole file was read")

    monkeypatch.setattr(Path, "read_bytes", never)
    with pytest.raises(FileProblem, match="larger than 20 MB"):
        read_export_file(huge)


def test_a_special_file_is_not_read(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match="not a file"):
        read_export_file(Path("/dev/zero"))
    with pytest.raises(FileProblem, match="not a file"):
        read_export_file(tmp_path)


def test_the_separator_is_guessed_from_a_bounded_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    sniff = csv.Sniffer.sniff

    def measured(self: csv.Sniffer, sample: str, delimiters: str | None = None) -> object:
        seen.append(len(sample))
        return sniff(self, sample, delimiters)

    monkeypatch.setattr(csv.Sniffer, "sniff", measured)
    long_heading = ",".join(f"Column {n}" for n in range(3000))  # one 30 KB line
    data = (long_heading + "\r\n" + ",".join("x" for _ in range(3000)) + "\r\n").encode()
    mis_import.read_table(data)
    assert seen and max(seen) <= mis_import.SNIFF_CHARACTERS


@pytest.mark.parametrize(
    "name",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", " =1+1", "  @x", "\t\t-2", "\u00a0=1"],
)
def test_no_cell_of_the_cleared_list_runs_as_a_formula(school: School, name: str) -> None:
    from tests.services.test_agreements import _this_year_start

    agreements.issue_starter_agreements(school.signed_in, _this_year_start(), "This year")
    staff = people.add_person(
        school.signed_in,
        people.PersonForm(
            PersonKind.STAFF,
            "Sam",
            "Teach",
            laptop_asset_tag=name,
            start_date=date(2020, 9, 1),
        ),
    )
    agreements.record_signatures(school.signed_in, [staff], date.today())
    rows = list(
        csv.reader(io.StringIO(agreements.cleared_csv(school.signed_in).decode("utf-8-sig")))
    )
    for row in rows[1:]:
        for cell in row:
            stripped = cell.lstrip(" \t\r\n\u00a0")
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), repr(cell)
            assert stripped[:1] not in ("=", "+", "-", "@") or cell.startswith("'"), repr(cell)


# -- fuzz: random bytes, encodings, huge lines ----------------------------------------------

encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "ascii"])
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFF), max_size=400
)


@st.composite
def hostile_files(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["bytes", "text", "huge_line", "valid_damaged"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2000))
    if kind == "text":
        encoding = draw(encodings)
        return draw(texts).encode(encoding, errors="replace")
    if kind == "huge_line":
        cell = draw(st.sampled_from(['"', ",", "a", ";", "\t", "é"]))
        return VALID[:200] + (cell * draw(st.integers(10_000, 60_000))).encode("utf-8")
    cut = draw(st.integers(0, len(VALID)))
    return VALID[:cut] + draw(st.binary(max_size=50)) + VALID[cut:]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=hostile_files())
def test_a_hostile_file_never_crashes_and_never_half_imports(school: School, data: bytes) -> None:
    """Random bytes, any encoding, lines of 60,000 characters: a sentence or a whole import."""
    _try_import(school, data)
