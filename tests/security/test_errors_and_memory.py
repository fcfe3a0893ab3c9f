"""Issue 19, item 8: what an error prints, and what stays in memory.

A database error (a constraint, a locked file) must not carry the statement's parameters (a
pupil's name, a date of birth) into a console, a Task Scheduler log or a bug report; the
command line handles a bug as the window does (where it happened, never what the record
said); SQLCipher wipes the memory it frees; and the data key is not kept as a hex string in
the engine once the database is closed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from esafety_desktop import cli
from esafety_desktop.services import people
from esafety_desktop.storage import engine
from tests.conftest import School

NAME = "Łucja Wąsowska"
SHIPPED_WIPING = engine.WIPE_FREED_MEMORY  # as shipped (tests turn it off, per test)


def test_a_database_error_does_not_carry_a_pupils_name(school: School) -> None:
    people.add_person(
        school.signed_in,
        people.PersonForm(people.PersonKind.PUPIL, "Amy", "Ash", date_of_birth=date(2014, 3, 1)),
    )
    with (
        pytest.raises(DBAPIError) as raised,
        school.signed_in.database.engine.connect() as connection,
    ):
        connection.execute(text("INSERT INTO no_such_table (name) VALUES (:name)"), {"name": NAME})
    assert NAME not in str(raised.value)
    assert NAME not in repr(raised.value)


def test_sqlcipher_wipes_the_memory_it_frees(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "WIPE_FREED_MEMORY", SHIPPED_WIPING)
    shipped = engine.create_encrypted_engine(school.path, school.signed_in.database.data_key_copy())
    try:
        with shipped.connect() as connection:
            wiping = connection.exec_driver_sql("PRAGMA cipher_memory_security").scalar()
    finally:
        shipped.dispose()
    assert wiping in (1, "1")


def _texts_held_by(listeners: list[object]) -> list[str]:
    """Every string the engine's connection set-up keeps between connections."""
    found: list[str] = []
    for listener in listeners:
        for cell in getattr(listener, "__closure__", None) or ():
            if isinstance(cell.cell_contents, str):
                found.append(cell.cell_contents)
    return found


def test_the_data_key_is_not_kept_as_text_by_the_engine(school: School) -> None:
    database = school.signed_in.database
    hex_key = bytes(database.data_key_copy()).hex()
    listeners = list(database.engine.pool.dispatch.connect)
    assert listeners  # the set-up that keys each connection is there
    assert not [t for t in _texts_held_by(listeners) if hex_key in t]
    database.close()
    assert not [t for t in _texts_held_by(listeners) if hex_key in t]


def test_a_bug_on_the_command_line_prints_where_never_what(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: object) -> int:
        raise RuntimeError(f"record text: {NAME}, born 01/03/2014")

    monkeypatch.setattr(cli, "_verify", broken)
    code = cli.main(["verify", "--db", "/nonexistent/school.db", "--user", "jo.dsl"])
    said = capsys.readouterr()
    assert code == cli.EXIT_BUG
    assert NAME not in said.err + said.out and "01/03/2014" not in said.err + said.out
    assert "stopped because of a bug" in said.err and "RuntimeError" in said.err
