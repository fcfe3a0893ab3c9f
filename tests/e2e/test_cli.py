"""The commands IT staff and scripts use, run as they would run them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import keyring
import pytest
from pypdf import PdfReader

from esafety_desktop import __version__
from esafety_desktop.cli import main
from esafety_desktop.storage import device_secret, keyslots
from esafety_desktop.storage.files import DatabaseFiles
from tests.conftest import DSL_PASSWORD, SHIPPED_FLOOR, new_pc
from tests.memory_keyring import DismissedKeyring, WaitingKeyring

SCHOOL = "Larkspur Primary (invented)"


def run(
    argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str]:
    # Some tests go on in a separate process, which reads slots with the floor as shipped.
    monkeypatch.setattr(keyslots, "DEFAULT_KDF", SHIPPED_FLOOR)
    db = tmp_path / "school.db"
    code, out, err = run(
        [
            "init",
            "--db",
            str(db),
            "--school",
            SCHOOL,
            "--user",
            "jo.dsl",
            "--name",
            "Jo Bloggs",
            "--recovery-sheet",
            str(tmp_path / "sheet.pdf"),
        ],
        DSL_PASSWORD + "\n" + DSL_PASSWORD + "\n",
        monkeypatch,
        capsys,
    )
    assert code == 0, err
    key_line = next(line for line in out.splitlines() if line.startswith("Recovery key: "))
    return db, key_line.removeprefix("Recovery key: ")


def test_init_prints_the_recovery_key_once_and_writes_the_sheet(
    made: tuple[Path, str], tmp_path: Path
) -> None:
    db, key = made
    assert len(key) == 44 and key.count("-") == 8
    assert DatabaseFiles(db).key_slots.exists()
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "sheet.pdf").pages)
    assert SCHOOL in text
    for group in key.split("-"):
        assert group in text
    assert "OFFICIAL-SENSITIVE" in text
    assert "Page 1 of 1" in text
    assert "school safe" in text
    assert key not in DatabaseFiles(db).key_slots.read_text()


def test_verify_says_sound_in_one_line(
    made: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = made
    code, out, _ = run(
        ["verify", "--db", str(db), "--user", "jo.dsl"], DSL_PASSWORD + "\n", monkeypatch, capsys
    )
    assert code == 0
    assert out.startswith("Sound: ")
    assert len(out.strip().splitlines()) == 1


def test_a_wrong_password_exits_non_zero_in_words_and_changes_no_byte(
    made: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = made
    files = DatabaseFiles(db)
    before = {p: p.read_bytes() for p in (files.database, files.key_slots)}
    code, _, err = run(
        ["verify", "--db", str(db), "--user", "jo.dsl"], "not the password\n", monkeypatch, capsys
    )
    assert code == 1
    assert "wrong password" in err.lower()
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in before} == before
    assert not files.wal.exists()


def test_flipped_bytes_in_a_page_are_reported_with_the_page(
    made: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = made
    with db.open("r+b") as handle:
        handle.seek(4096 * 3 + 500)
        handle.write(b"\x13\x37\x13\x37")
    damaged = db.read_bytes()
    code, out, _ = run(
        ["verify", "--db", str(db), "--user", "jo.dsl"], DSL_PASSWORD + "\n", monkeypatch, capsys
    )
    assert code == 1
    assert "Page 4 of the database is damaged" in out
    assert db.read_bytes() == damaged


def test_a_file_that_is_not_ours_is_said_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"minutes of the governors' meeting\n" * 100)
    code, _, err = run(
        ["verify", "--db", str(notes), "--user", "jo.dsl"], DSL_PASSWORD + "\n", monkeypatch, capsys
    )
    assert code == 1
    assert "key file notes.db.keys is missing" in err
    assert notes.read_bytes() == b"minutes of the governors' meeting\n" * 100
    code, _, err = run(
        ["init", "--db", str(notes), "--school", SCHOOL, "--user", "jo.dsl"],
        DSL_PASSWORD + "\n" + DSL_PASSWORD + "\n",
        monkeypatch,
        capsys,
    )
    assert code == 1
    assert "never overwrites" in err


def test_init_refuses_a_weak_password_before_making_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["init", "--db", str(tmp_path / "s.db"), "--school", SCHOOL, "--user", "jo.dsl"],
        "password1234\npassword1234\n",
        monkeypatch,
        capsys,
    )
    assert code == 1
    assert "attackers try" in err
    assert list(tmp_path.iterdir()) == []


def test_recover_on_a_new_pc_then_sign_in_with_the_new_password(
    made: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, key = made
    new_pc()
    code, _, err = run(
        ["verify", "--db", str(db), "--user", "jo.dsl"], DSL_PASSWORD + "\n", monkeypatch, capsys
    )
    assert code == 1 and "recovery key" in err
    code, out, err = run(
        ["recover", "--db", str(db), "--user", "jo.dsl"],
        f"{key}\nCopper-Lagoon-Pebble-08\nCopper-Lagoon-Pebble-08\n",
        monkeypatch,
        capsys,
    )
    assert code == 0, err
    assert "can now sign in on this PC" in out
    code, out, _ = run(
        ["verify", "--db", str(db), "--user", "jo.dsl"],
        "Copper-Lagoon-Pebble-08\n",
        monkeypatch,
        capsys,
    )
    assert code == 0 and out.startswith("Sound")


def test_new_recovery_key_retires_the_old_one(
    made: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, old_key = made
    code, out, err = run(
        [
            "new-recovery-key",
            "--db",
            str(db),
            "--user",
            "jo.dsl",
            "--recovery-sheet",
            str(tmp_path / "new.pdf"),
        ],
        DSL_PASSWORD + "\n",
        monkeypatch,
        capsys,
    )
    assert code == 0, err
    new_key = next(
        line for line in out.splitlines() if line.startswith("Recovery key: ")
    ).removeprefix("Recovery key: ")
    assert new_key != old_key
    assert new_key.split("-")[0] in PdfReader(tmp_path / "new.pdf").pages[0].extract_text()
    code, _, err = run(
        ["recover", "--db", str(db), "--user", "jo.dsl"],
        f"{old_key}\nCopper-Lagoon-Pebble-08\nCopper-Lagoon-Pebble-08\n",
        monkeypatch,
        capsys,
    )
    assert code == 1 and "different school database" in err


def test_the_command_list_says_how_to_open_the_window(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([], "", monkeypatch, capsys)
    assert code == 2
    assert "with no command to open the window" in " ".join(out.split())
    for command in ("init", "verify", "recover", "new-recovery-key", "demo", "backup", "restore"):
        assert command in out


def test_every_command_is_reached_from_the_program_itself() -> None:
    """`esafety-desktop COMMAND` goes to the commands only for names the window knows about."""
    from esafety_desktop.cli import COMMANDS, build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    assert set(subparsers.choices) == set(COMMANDS)  # type: ignore[attr-defined]
    result = _command("backup", "--help")
    assert result.returncode == 0 and "verified encrypted backup" in result.stdout


def _command(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "esafety_desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_version_from_the_module_and_the_console_script() -> None:
    assert _command("--version").stdout.strip() == f"eSafety Desktop {__version__}"
    script = Path(sys.executable).with_name("esafety-desktop")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"eSafety Desktop {__version__}"


@pytest.mark.slow
def test_a_pc_without_keyring_gets_a_clear_error_then_an_explicit_password_only_school(
    tmp_path: Path,
) -> None:
    """A real process, the shipped Argon2 parameters, and no keyring at all."""
    no_keyring = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    db = tmp_path / "school.db"
    args = ["init", "--db", str(db), "--school", SCHOOL, "--user", "jo.dsl"]
    twice = DSL_PASSWORD + "\n" + DSL_PASSWORD + "\n"
    refused = _command(*args, stdin=twice, env=no_keyring)
    assert refused.returncode == 1
    assert "no secure password store" in refused.stderr
    assert "--password-only-on-this-pc" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert list(tmp_path.iterdir()) == []
    made = _command(*args, "--password-only-on-this-pc", stdin=twice, env=no_keyring)
    assert made.returncode == 0, made.stderr
    assert "protected by password alone" in made.stdout
    checked = _command(
        "verify", "--db", str(db), "--user", "jo.dsl", stdin=DSL_PASSWORD + "\n", env=no_keyring
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("Sound")


def test_import_people_refuses_a_file_with_problems_and_imports_a_clean_one(
    made: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, _ = made
    csv_dir = Path(__file__).parent.parent / "domain" / "csv"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        (csv_dir / "sims_like.csv").read_bytes() + b",Nameless,01/01/2018,,,Year 3,3A,,,\r\n"
    )
    args = ["import-people", "--db", str(db), "--user", "jo.dsl", "--file"]
    code, out, err = run([*args, str(bad)], DSL_PASSWORD + "\n", monkeypatch, capsys)
    assert code == 1
    assert "Row 7: the surname is missing" in err
    assert "Nothing was imported" in err
    code, out, err = run(
        [*args, str(bad), "--dry-run", "--skip-problem-rows"],
        DSL_PASSWORD + "\n",
        monkeypatch,
        capsys,
    )
    assert code == 0 and "Dry run: nothing was changed." in out
    code, out, err = run(
        [*args, str(csv_dir / "sims_like.csv")], DSL_PASSWORD + "\n", monkeypatch, capsys
    )
    assert code == 0, err
    assert "Imported: 5 new pupils, 0 updated, 0 unchanged." in out
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nclass_name = "Year"\nyear_group = "Reg Group"\n')
    code, out, err = run(
        [*args, str(csv_dir / "sims_like.csv"), "--mapping", str(mapping), "--dry-run"],
        DSL_PASSWORD + "\n",
        monkeypatch,
        capsys,
    )
    assert code == 1 and "is not a year group" in err  # the mapping was used as written


def test_reports_from_a_script_are_written_and_audited(
    made: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, _ = made
    out_pdf = tmp_path / "governors.pdf"
    base = ["report", "governors", "--db", str(db), "--user", "jo.dsl", "--out", str(out_pdf)]
    code, out, err = run(
        [*base, "--from", "01/09/2025", "--to", "2026-08-31"],
        DSL_PASSWORD + "\n",
        monkeypatch,
        capsys,
    )
    assert code == 0, err
    assert out.startswith("Wrote governors' report for 01/09/2025 to 31/08/2026")
    text = PdfReader(out_pdf).pages[0].extract_text()
    assert "report to the governors" in text and SCHOOL in text
    code, out, err = run([*base, "--from", "31/02/2026"], DSL_PASSWORD + "\n", monkeypatch, capsys)
    assert code == 1 and "Give both --from and --to" in err
    code, out, err = run(
        [*base, "--from", "31/02/2026", "--to", "01/03/2026"],
        DSL_PASSWORD + "\n",
        monkeypatch,
        capsys,
    )
    assert code == 1 and "'31/02/2026' is not a date" in err
    log_pdf = tmp_path / "log.pdf"
    code, out, err = run(
        ["report", "incident-log", "--db", str(db), "--user", "jo.dsl", "--out", str(log_pdf)],
        DSL_PASSWORD + "\n",
        monkeypatch,
        capsys,
    )
    assert code == 0, err
    assert "Online safety incident log" in PdfReader(log_pdf).pages[0].extract_text()
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.services.audit_log import audit_entries
    from esafety_desktop.storage.device_secret import DeviceSecretStore

    me = sign_in(db, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    actions = [e.action for e in audit_entries(me)]
    me.sign_out()
    assert "report.governors_made" in actions and "report.incident_log_made" in actions
    # Each PDF written is recorded: the recovery sheet from init, then the two reports.
    assert actions.count("document.saved_unencrypted") == 3
    chronology = tmp_path / "chronology.pdf"
    base = ["report", "chronology", "--db", str(db), "--user", "jo.dsl", "--out", str(chronology)]
    code, out, err = run(
        [*base, "--pupil", "X000000000000"], DSL_PASSWORD + "\n", monkeypatch, capsys
    )
    assert code == 1 and "No pupil in the register has the UPN X000000000000" in err
    assert not chronology.exists()
    from datetime import date as day

    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import people

    me = sign_in(db, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    people.add_person(
        me,
        people.PersonForm(
            PersonKind.PUPIL, "Amy", "Ash", date_of_birth=day(2014, 3, 1), upn="A123456789012"
        ),
    )
    me.sign_out()
    code, out, err = run(
        [*base, "--pupil", "a123456789012"], DSL_PASSWORD + "\n", monkeypatch, capsys
    )
    assert code == 0, err
    assert "Amy Ash" in PdfReader(chronology).pages[0].extract_text()


def test_backup_for_task_scheduler_then_restore_on_a_new_pc(
    made: tuple[Path, str],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, key = made
    usb = tmp_path_factory.mktemp("usb")
    code, out, err = run(
        ["backup", "--db", str(db), "--user", "jo.dsl", "--to", str(usb)],
        DSL_PASSWORD + "\n",
        monkeypatch,
        capsys,
    )
    assert code == 0, err
    assert "Backup made and verified" in out and str(usb) in out
    [folder] = (usb / "eSafety Desktop backups").iterdir()

    new_pc()
    target = tmp_path_factory.mktemp("new-pc") / "school.db"
    typed = f"{key}\nCopper-Lagoon-Pebble-08\nCopper-Lagoon-Pebble-07\n"
    code, _, err = run(
        ["restore", "--from", str(folder), "--db", str(target), "--user", "jo.dsl"],
        typed,
        monkeypatch,
        capsys,
    )
    assert code == 1 and "different" in err
    assert not target.exists()
    typed = f"{key}\nCopper-Lagoon-Pebble-08\nCopper-Lagoon-Pebble-08\n"
    code, out, err = run(
        ["restore", "--from", str(folder), "--db", str(target), "--user", "jo.dsl"],
        typed,
        monkeypatch,
        capsys,
    )
    assert code == 0, err
    assert "passed its checks" in out and f"Restored to {target}" in out
    code, out, _ = run(
        ["verify", "--db", str(target), "--user", "jo.dsl"],
        "Copper-Lagoon-Pebble-08\n",
        monkeypatch,
        capsys,
    )
    assert code == 0 and out.startswith("Sound")
    # a second restore to the same path is refused: nothing is ever overwritten
    code, _, err = run(
        ["restore", "--from", str(folder), "--db", str(target), "--user", "jo.dsl"],
        typed,
        monkeypatch,
        capsys,
    )
    assert code == 1 and "never overwrites" in err


def test_a_scheduled_backup_with_a_locked_keyring_stops_at_once_saying_what_to_do(
    made: tuple[Path, str],
) -> None:
    """A real process (standard input is a pipe, as under Task Scheduler or cron) on a PC whose
    login keyring is locked: it neither prompts nor waits."""
    db, _ = made
    locked = {
        "PYTHON_KEYRING_BACKEND": "tests.memory_keyring.LockedKeyring",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent.parent),
    }
    started = time.monotonic()
    result = _command(
        "backup", "--db", str(db), "--user", "jo.dsl", stdin=DSL_PASSWORD + "\n", env=locked
    )
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert "keyring on this computer is locked" in result.stderr
    assert "scheduled backup" in result.stderr and "does not wait" in result.stderr
    assert "no secure password store" not in result.stderr
    assert "--password-only-on-this-pc" not in result.stderr
    assert "Traceback" not in result.stderr
    assert not (db.parent / "eSafety Desktop backups").exists()


def test_an_unlock_prompt_nobody_answers_does_not_hold_up_an_unattended_backup(
    made: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, _ = made
    monkeypatch.setattr(device_secret, "UNATTENDED_WAIT_SECONDS", 0.3)
    waiting = WaitingKeyring()
    keyring.set_keyring(waiting)
    try:
        code, _, err = run(
            ["backup", "--db", str(db), "--user", "jo.dsl"],
            DSL_PASSWORD + "\n",
            monkeypatch,
            capsys,
        )
    finally:
        waiting.answer()
    assert code == 1
    assert "did not answer within 0.3 seconds" in err
    assert "scheduled backup" in err


def test_init_on_a_locked_keyring_says_unlock_it_not_password_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(DismissedKeyring())
    db = tmp_path / "school.db"
    code, _, err = run(
        ["init", "--db", str(db), "--school", SCHOOL, "--user", "jo.dsl"],
        DSL_PASSWORD + "\n" + DSL_PASSWORD + "\n",
        monkeypatch,
        capsys,
    )
    assert code == 1
    assert "is locked" in err
    assert "--password-only-on-this-pc" not in err
    assert list(tmp_path.iterdir()) == []
