"""A crafted review pack brought back for import (issue 19, item 10).

Found in review: the import read the pack's entries with ``SELECT *`` into the entry's fields
by position, took any size and any number of them, and stamped each chronology entry with the
date the reviewer's pack gave it. Whoever holds the passphrase holds the pack's key, and with
the app's own code can write entries whose hash chain checks out. A safe import names the
columns it reads (a pack whose tables differ is refused), bounds sizes (a long text, too many
entries, a long name, a huge file: refused with a sentence, nothing imported), checks types,
and stamps each entry with the time of the import, keeping the reviewer's date only as what
the reviewer's pack says.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import sqlcipher3
from sqlalchemy import select

from esafety_desktop.domain.recovery_key import parse_passphrase
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import incidents, review_packs
from esafety_desktop.storage.models import ReviewPack
from esafety_desktop.storage.review_pack import GENESIS, PackProblem, entry_hash, pack_key
from tests.conftest import School, new_pc
from tests.security.test_review_attacks import _said_in_words
from tests.services.test_review_packs import exported  # noqa: F401 - a fixture

AT_HOME = "2026-11-28T20:15:00+00:00"
IMPORTED_AT = datetime(2026, 12, 1, 10, 30).astimezone()


# -- the attacker's tools -------------------------------------------------------------------


def _sql(pack: review_packs.ExportedPack, *statements: str, parameters: Any = ()) -> None:
    """Raw SQL on the pack, with the key its passphrase gives."""
    connection = sqlcipher3.dbapi2.connect(str(pack.path))
    connection.execute(f"PRAGMA key = \"x'{pack_key(parse_passphrase(pack.passphrase)).hex()}'\"")
    for statement in statements:
        connection.execute(statement, parameters)
    connection.commit()
    connection.close()


def _forge(
    pack: review_packs.ExportedPack, *entries: dict[str, Any], blob_text: bool = False
) -> None:
    """Append entries whose hash chain checks out, as the app's own code would chain them."""
    key = pack_key(parse_passphrase(pack.passphrase)).hex()
    connection = sqlcipher3.dbapi2.connect(str(pack.path))
    connection.execute(f"PRAGMA key = \"x'{key}'\"")
    first_case = connection.execute("SELECT min(incident_id) FROM pack_case").fetchone()[0]
    last = connection.execute(
        "SELECT sequence, hash FROM review_entry ORDER BY sequence DESC LIMIT 1"
    ).fetchone()
    sequence, previous = (last[0], last[1]) if last else (0, GENESIS)
    rows = []
    for fields in entries:
        sequence += 1
        content = {
            "sequence": sequence,
            "incident_id": first_case,
            "kind": review_packs.COMMENT,
            "text": "A comment",
            "reviewer": "Pat Head",
            "signed_on": None,
            "recorded_at": AT_HOME,
            **fields,
        }
        digest = entry_hash(previous, content)
        rows.append((*content.values(), previous, digest))
        previous = digest
    text = "CAST(? AS BLOB)" if blob_text else "?"
    connection.executemany(
        "INSERT INTO review_entry (sequence, incident_id, kind, text, reviewer, signed_on, "
        f"recorded_at, prev_hash, hash) VALUES (?, ?, ?, {text}, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.commit()
    connection.close()


@pytest.fixture
def reviewed(
    school: School,
    exported: review_packs.ExportedPack,  # noqa: F811
) -> Iterator[review_packs.ExportedPack]:
    """The head reviewed the pack honestly first: one comment."""
    new_pc()
    pack = review_packs.open_for_review(exported.path, exported.passphrase)
    pack.add(pack.cases()[0].incident_id, review_packs.COMMENT, reviewer="Pat Head", text="Fine.")
    pack.close()
    yield exported


def _refused(school: School, pack: review_packs.ExportedPack, *said: str) -> str:
    """The import refuses the pack with a sentence and changes nothing."""
    cases = [c.id for c in incidents.list_incidents(school.signed_in)]
    before = {case: len(incidents.chronology(school.signed_in, case)) for case in cases}
    with pytest.raises(PackProblem) as refused:
        returned = review_packs.read_returned_pack(school.signed_in, pack.path)
        review_packs.import_review(school.signed_in, returned)  # never reached, it is hoped
    words = _said_in_words(refused.value)
    for expected in said:
        assert expected in words, words
    assert "Nothing was imported" in words or "Nothing was changed" in words, words
    after = {case: len(incidents.chronology(school.signed_in, case)) for case in cases}
    assert after == before
    with school.signed_in.database.reading() as session:
        assert session.scalar(select(ReviewPack.imported_at)) is None
    return words


def _opening_refused(pack: review_packs.ExportedPack) -> None:
    """Review mode refuses it too, with a sentence, never a crash."""
    with pytest.raises(ProblemForUser) as refused:
        review_packs.open_for_review(pack.path, pack.passphrase).close()
    _said_in_words(refused.value)


# -- sizes -----------------------------------------------------------------------------------


def test_a_five_megabyte_comment_is_refused(
    school: School, reviewed: review_packs.ExportedPack
) -> None:
    _forge(reviewed, {"text": "x" * 5_000_000})
    _refused(school, reviewed, "5,000,000 characters", "20,000")


def test_fifty_thousand_entries_are_refused(
    school: School, reviewed: review_packs.ExportedPack
) -> None:
    _forge(reviewed, *({"text": f"Comment {n}"} for n in range(50_000)))
    _refused(school, reviewed, "50,001 entries", "5,000")


def test_a_reviewer_name_of_three_hundred_characters_is_refused(
    school: School, reviewed: review_packs.ExportedPack
) -> None:
    _forge(reviewed, {"reviewer": "P" * 300})
    _refused(school, reviewed, "300 characters")


def test_a_pack_file_over_the_size_limit_is_refused_before_it_is_read(
    school: School, reviewed: review_packs.ExportedPack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from esafety_desktop.services.review_packs import _entries

    monkeypatch.setattr(_entries, "MAX_PACK_BYTES", reviewed.path.stat().st_size - 1, raising=False)
    _refused(school, reviewed, "too large")


# -- shape and types --------------------------------------------------------------------------


def test_an_extra_column_is_refused(school: School, reviewed: review_packs.ExportedPack) -> None:
    _sql(reviewed, "ALTER TABLE review_entry ADD COLUMN pupil_name TEXT")
    _refused(school, reviewed, "not laid out as eSafety Desktop makes them")
    _opening_refused(reviewed)


def test_a_renamed_column_is_refused(school: School, reviewed: review_packs.ExportedPack) -> None:
    _sql(reviewed, "ALTER TABLE review_entry RENAME COLUMN text TO comment")
    _refused(school, reviewed, "not laid out as eSafety Desktop makes them")
    _opening_refused(reviewed)


def test_a_table_or_trigger_slipped_in_is_refused(
    school: School, reviewed: review_packs.ExportedPack
) -> None:
    _sql(
        reviewed,
        "CREATE TRIGGER spy AFTER INSERT ON review_entry BEGIN SELECT 1; END",
    )
    _refused(school, reviewed, "not laid out as eSafety Desktop makes them")


@pytest.mark.parametrize(
    ("fields", "blob"),
    [
        ({"kind": "deleted_the_case"}, False),
        ({"recorded_at": "last Tuesday"}, False),
        ({"recorded_at": "2026-11-28T20:15:00"}, False),  # no time zone: what moment is it?
        ({"kind": review_packs.SIGNED_OFF, "signed_on": "soon"}, False),
        ({"incident_id": 424242}, False),  # a case the pack does not hold
        ({}, True),  # the comment as bytes, not text
    ],
)
def test_an_entry_of_the_wrong_kind_or_type_is_refused(
    school: School, reviewed: review_packs.ExportedPack, fields: dict[str, Any], blob: bool
) -> None:
    _forge(reviewed, fields, blob_text=blob)
    _refused(school, reviewed, "entry 2")


# -- dates: the import's time, the reviewer's date as what they said --------------------------


@pytest.mark.parametrize("claimed", ["2099-01-01T09:00:00+00:00", "1970-01-01T00:00:00+00:00"])
def test_an_entry_dated_far_off_is_stamped_with_the_import_time(
    school: School, reviewed: review_packs.ExportedPack, claimed: str
) -> None:
    _forge(reviewed, {"text": "Dated oddly", "recorded_at": claimed})
    school.clock.set(IMPORTED_AT)
    returned = review_packs.read_returned_pack(school.signed_in, reviewed.path)
    assert review_packs.import_review(school.signed_in, returned).total == 2
    case = returned.cases[0].incident_id
    mine = [e for e in incidents.chronology(school.signed_in, case) if e.kind == "review_note"]
    assert [e.text for e in mine] == ["Fine.", "Dated oddly"]
    for entry in mine:
        assert entry.recorded_at == IMPORTED_AT.replace(tzinfo=None)
    claimed_at = datetime.fromisoformat(claimed).astimezone()
    assert f"dated {claimed_at:%d/%m/%Y %H:%M} in the pack" in mine[1].author
    assert mine[1].author.startswith("Pat Head (offline review")


def test_the_imports_entries_stay_in_the_order_they_were_written(
    school: School, reviewed: review_packs.ExportedPack
) -> None:
    """Stamped with the import time, the entries keep the pack's order (not the dates')."""
    _forge(
        reviewed,
        {"text": "Second", "recorded_at": "2001-01-01T00:00:00+00:00"},
        {"text": "Third", "recorded_at": "2099-01-01T00:00:00+00:00"},
    )
    returned = review_packs.read_returned_pack(school.signed_in, reviewed.path)
    review_packs.import_review(school.signed_in, returned)
    case = returned.cases[0].incident_id
    texts = [
        e.text for e in incidents.chronology(school.signed_in, case) if e.kind == "review_note"
    ]
    assert texts == ["Fine.", "Second", "Third"]


def test_review_mode_refuses_what_the_import_would_refuse(
    school: School,
    exported: review_packs.ExportedPack,  # noqa: F811
) -> None:
    """The head's own review mode never writes a pack the school would refuse."""
    new_pc()
    pack = review_packs.open_for_review(exported.path, exported.passphrase)
    case = pack.cases()[0].incident_id
    with pytest.raises(ProblemForUser, match="20,000"):
        pack.add(case, review_packs.COMMENT, reviewer="Pat Head", text="x" * 20_001)
    with pytest.raises(ProblemForUser, match="200"):
        pack.add(case, review_packs.COMMENT, reviewer="P" * 201, text="Fine.")
    pack.add(case, review_packs.COMMENT, reviewer="Pat Head", text="x" * 20_000)
    pack.close()
    returned = review_packs.read_returned_pack(school.signed_in, exported.path)
    assert returned.entry_count == 1
