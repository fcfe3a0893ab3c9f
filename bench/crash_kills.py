"""Pull the plug, many times: kill a writer with SIGKILL at random moments and check nothing
it reported as saved is lost and both integrity checks pass.

    .venv/bin/python bench/crash_kills.py                     # 1,000 kills of each kind
    .venv/bin/python bench/crash_kills.py --trials 50 --kinds save backup
    .venv/bin/python bench/crash_kills.py --trials 30 --kinds rotate
    .venv/bin/python bench/crash_kills.py --json              # figures as JSON (the tests)

Four kinds of trial, each on real SQLCipher files through the app's own services:

* ``save``: the writer signs in and records incidents one after another, printing each case's
  id and summary once ``record_incident`` has returned (the moment the DSL sees "saved").
* ``backup``: the same, with a verified backup after every case.
* ``rotate``: the same, changing the school's key (the whole database encrypted again under a
  new data key, storage/rotation.py) after every few cases, printing the key's generation once
  ``change_school_key`` has returned. Random kills mostly land while the new copy is made (the
  steps after it take milliseconds), so in every other trial the writer is not killed at random
  but kills itself, with SIGKILL, at a step of its first key change (each step in turn).
* ``migrate``: the writer opens a copy of the oldest released database (layout 0001), which
  makes the backup taken before an upgrade and then upgrades it to the current layout.

The writer is a child process forked from this one after the imports (so a trial costs a
fraction of a second rather than a Python start-up), killed with SIGKILL at a random moment.
After each kill the database is opened as the app opens it and checked: SQLCipher's check of
every page's HMAC, SQLite's integrity check, the audit chain, every case reported as saved
(present, with the same summary), every finished backup (files match the manifest, the copy
passes the same checks), for upgrades, the fixture's rows, and for key changes, that the
opening finished or undid the change (no ``school.db.next`` left, no change under way in the
key file) and that no change reported as finished was undone.

SIGKILL stops the process at any instruction, but the operating system still writes what the
process had handed to it; a power cut, which can lose that too, is not simulated here
(``synchronous=FULL`` and ``fsync`` are what guard against it).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import select
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from esafety_desktop.domain.incidents import Location, PersonRole, walk_from_answers
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import accounts, backups, incidents, people
from esafety_desktop.services.access import create_school, sign_in
from esafety_desktop.services.checks import verify_open_database
from esafety_desktop.storage import keyslots, rotation
from esafety_desktop.storage.backup import (
    PARTIAL_PREFIX,
    check_copy,
    find_backups,
)
from esafety_desktop.storage.database import SchoolDatabase
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from esafety_desktop.storage.key_file import KeySlotFile

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "storage" / "fixtures"
FIXTURE_KEY = bytes(range(32))
FIXTURE_ID = "fixture-0001"
PASSWORD = "Kettle-Orchard-Lantern-42"
USER = "crash.dsl"
ANSWERS = [
    ("No", "Safe in school with the class teacher."),
    ("Cyberbullying", "Repeated and hurtful."),
    ("No", "The parent has the messages."),
]
# The longest a kill waits after the fork, per kind: long enough to land anywhere from signing
# in to many saves (or the whole upgrade), short enough to keep trials quick.
# A signed sign-in and a backup take longer (and SQLCipher wipes the memory it frees).
KILL_WINDOW = {"save": 0.5, "backup": 1.8, "rotate": 1.0}
# Cases recorded between two changes of the school's key (kind "rotate").
ROTATE_EVERY = 3
KINDS = ["save", "backup", "migrate", "rotate"]
# The steps of a key change at which SchoolDatabase.change_data_key calls its crash_point.
KEY_CHANGE_STEPS = ("copy made", "key file holds the next one", "database swapped")
# The longest the parent waits for a writer that is to kill itself at a step.
SELF_KILL_WAIT = 60.0
# Kills in a row on one school before a new one is made.
SCHOOL_EVERY = 50


@dataclass
class Figures:
    kind: str
    trials: int = 0
    kills: int = 0  # trials where the writer was killed while running
    saved_reported: int = 0
    lost: int = 0
    corrupt: int = 0
    unopenable: int = 0  # of the corrupt, those the app could not open at all
    backups_checked: int = 0
    unfinished_backups_left: int = 0  # after the last trial
    upgraded: int = 0
    key_changes_reported: int = 0
    # Kills that left a key change half made, by the step it had reached (what opening found).
    key_changes_interrupted: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


# -- the writer (child) ---------------------------------------------------------------------


def _writer(kind: str, path: Path, trial: int, out: int) -> None:
    """Runs in the forked child; never returns."""
    try:
        if kind == "migrate":
            database = SchoolDatabase.open(
                DatabaseFiles(path),
                KeySlotFile(path=DatabaseFiles(path).key_slots, database_id=FIXTURE_ID),
                bytearray(FIXTURE_KEY),
            )
            database.close()
            os.write(out, b"upgraded\n")
            os._exit(0)
        signed_in = sign_in(path, USER, PASSWORD, DeviceSecretStore())
        if (step := _step_to_kill_at(kind, trial)) is not None:
            _kill_self_at(signed_in.database, step)
        person = _person(signed_in)
        number = 0
        while True:
            number += 1
            summary = f"Trial {trial} case {number}: invented concern {random.random():.12f}"
            case = incidents.record_incident(signed_in, _new(person, summary))
            os.write(out, json.dumps({"id": case.id, "summary": summary}).encode() + b"\n")
            if kind == "backup":
                run = backups.back_up(signed_in, backups.BY_HAND)
                os.write(out, json.dumps({"backup": run.backup.folder.name}).encode() + b"\n")
            if kind == "rotate" and number % ROTATE_EVERY == 0:
                changed = accounts.change_school_key(signed_in, "crash test")
                os.write(out, json.dumps({"generation": changed.generation}).encode() + b"\n")
    except BaseException as exc:  # a writer that stops by itself is reported, not hidden
        os.write(out, json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode() + b"\n")
    finally:
        os._exit(3)


def _step_to_kill_at(kind: str, trial: int) -> str | None:
    """Every other key-change trial, the step of its first key change the writer dies at."""
    if kind != "rotate" or trial % 2:
        return None
    return KEY_CHANGE_STEPS[trial // 2 % len(KEY_CHANGE_STEPS)]


def _kill_self_at(database: SchoolDatabase, step: str) -> None:
    """The writer's first key change ends with a SIGKILL when it reaches ``step``."""
    change = database.change_data_key

    def crash_point(reached: str) -> None:
        if reached == step:
            os.kill(os.getpid(), signal.SIGKILL)

    database.change_data_key = functools.partial(change, crash_point=crash_point)  # type: ignore[method-assign]


def _person(signed_in: object) -> int:
    existing = people.list_people(signed_in)  # type: ignore[arg-type]
    if existing:
        return existing[0].id
    return people.add_person(
        signed_in,  # type: ignore[arg-type]
        people.PersonForm(
            PersonKind.PUPIL,
            "Crash",
            "Pupil",
            date_of_birth=date(2016, 5, 4),
            year_group="5",
            class_name="5C",
        ),
    )


def _new(person: int, summary: str) -> incidents.NewIncident:
    return incidents.NewIncident(
        reported_by="Class teacher (invented)",
        reported_at=datetime(2026, 11, 20, 9, 15),
        summary=summary,
        child_words="",
        location=Location.ONLINE,
        people=[(person, PersonRole.TARGET)],
        walk=walk_from_answers(incidents.shipped_flowchart(), ANSWERS, done_by="Crash DSL"),
    )


# -- one trial ------------------------------------------------------------------------------


def _trial(
    kind: str, path: Path, trial: int, rng: random.Random, window: float
) -> tuple[list[dict[str, object]], bool]:
    """Fork a writer, kill it at a random moment; return what it reported and whether it was
    killed (rather than stopping by itself)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        random.seed(trial)
        _writer(kind, path, trial, write_end)
    os.close(write_end)
    wait = rng.uniform(0, window)
    if _step_to_kill_at(kind, trial) is not None:
        wait = SELF_KILL_WAIT  # the writer kills itself; the parent only stops one that hangs
    deadline = time.monotonic() + wait
    buffer = b""
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([read_end], [], [], left)
        if ready:
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            buffer += chunk
    finished, status = os.waitpid(pid, os.WNOHANG)
    # Killed: by the parent now, or by itself at a step (kind "rotate").
    killed = finished == 0 or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL)
    if finished == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    while chunk := os.read(read_end, 65536):  # lines written before the kill still count
        buffer += chunk
    os.close(read_end)
    lines = [
        json.loads(line) if line.startswith(b"{") else {"said": line.decode()}
        for line in buffer.splitlines()
    ]
    return lines, killed


# -- checks after a kill --------------------------------------------------------------------


def _check_school(path: Path, reported: dict[int, str], generation: int, figures: Figures) -> None:
    step = _key_change_under_way(DatabaseFiles(path))
    if step is not None:
        figures.key_changes_interrupted[step] = figures.key_changes_interrupted.get(step, 0) + 1
    try:
        signed_in = sign_in(path, USER, PASSWORD, DeviceSecretStore())  # settles a key change
    except ProblemForUser as exc:
        figures.corrupt += 1
        figures.unopenable += 1
        figures.problems.append(f"did not open: {exc}")
        return
    try:
        _check_key_change(signed_in.database, generation, figures)
        report = verify_open_database(signed_in)
        if not report.sound:
            figures.corrupt += 1
            figures.problems.extend(report.problems)
        present = {c.id: c.summary for c in incidents.list_incidents(signed_in)}
        for case_id, summary in reported.items():
            if present.get(case_id) != summary:
                figures.lost += 1
                figures.problems.append(f"case {case_id} reported saved but missing or changed")
        _check_backups(signed_in.database, figures)
    finally:
        signed_in.database.close()


def _key_change_under_way(files: DatabaseFiles) -> str | None:
    """How far the key change the kill interrupted had gone (None if none was under way)."""
    try:
        key_slots = KeySlotFile.load(files.key_slots)
    except ProblemForUser:
        return None
    if key_slots.rotation is None:
        return "copy begun" if rotation.next_path(files).exists() else None
    next_salt = KeySlotFile.from_document(files.key_slots, key_slots.rotation).database_salt
    if rotation.file_salt(files.database) == next_salt:
        return "database swapped"
    return "key file holds the next one"


def _check_key_change(database: SchoolDatabase, generation: int, figures: Figures) -> None:
    """Opening finished or undid a key change the kill interrupted, and kept every change the
    writer reported as finished."""
    files = database.files
    on_disk = KeySlotFile.load(files.key_slots)
    if rotation.next_path(files).exists():
        figures.problems.append("a key change's copy (school.db.next) was left after opening")
    if on_disk.rotation is not None:
        figures.problems.append("the key file still holds a key change under way after opening")
    if on_disk.generation < generation:
        figures.lost += 1
        figures.problems.append(
            f"the key change to generation {generation} was reported finished but undone"
        )


def _check_backups(database: SchoolDatabase, figures: Figures) -> None:
    root = backups.local_root(database.files.database)
    for backup in find_backups(root):
        figures.backups_checked += 1
        wrong = backup.damaged_files()
        check = check_copy(backup.database_files, database.data_key_copy()) if not wrong else None
        if wrong or (check and check.problems):
            figures.corrupt += 1
            figures.problems.append(f"backup {backup.folder.name}: {wrong or check.problems}")
    if root.is_dir():  # after the last trial: what the kills left, ignored by every listing
        figures.unfinished_backups_left = sum(
            1 for p in root.iterdir() if p.name.startswith(PARTIAL_PREFIX)
        )


def _check_upgrade(path: Path, figures: Figures) -> None:
    from sqlalchemy import text

    files = DatabaseFiles(path)
    slots = KeySlotFile(path=files.key_slots, database_id=FIXTURE_ID)
    try:
        database = SchoolDatabase.open(files, slots, bytearray(FIXTURE_KEY))
    except ProblemForUser as exc:
        figures.corrupt += 1
        figures.unopenable += 1
        figures.problems.append(f"upgrade: did not open: {exc}")
        return
    try:
        problems = database.page_check() + database.structure_check()
        with database.engine.connect() as connection:
            names = connection.execute(text("SELECT display_name FROM account")).scalars().all()
        if problems:
            figures.corrupt += 1
            figures.problems.extend(problems)
        if names != ["Fixture DSL"]:
            figures.lost += 1
            figures.problems.append(f"upgrade: the fixture's account became {names}")
        _check_backups(database, figures)
    finally:
        database.close()


def _fresh_folder(path: Path) -> None:
    shutil.rmtree(path.parent, ignore_errors=True)
    path.parent.mkdir(parents=True)


def _new_school(path: Path) -> None:
    create_school(
        path,
        school_name="Crash Test Primary (invented)",
        username=USER,
        display_name="Crash DSL",
        password=PASSWORD,
        device_secrets=DeviceSecretStore(),
        password_only=True,
    ).signed_in.sign_out()


def _upgrade_seconds(path: Path) -> float:
    """How long the writer takes, from the fork, to open and upgrade the fixture (median of 3)."""
    times = []
    for _ in range(3):
        _fresh_folder(path)
        shutil.copy(FIXTURES / "schema_0001.db", path)
        started = time.monotonic()
        lines, _killed = _trial("migrate", path, 0, random.Random(0), 30.0)
        if {"said": "upgraded"} not in lines:
            raise SystemExit(f"the upgrade did not finish: {lines}")
        times.append(time.monotonic() - started)
    return sorted(times)[1]


# -- running --------------------------------------------------------------------------------


def run(kind: str, trials: int, folder: Path, seed: int) -> Figures:
    rng = random.Random(seed)
    figures = Figures(kind)
    path = folder / kind / "school.db"
    reported: dict[int, str] = {}
    generation = 1  # the newest key generation the writer reported
    window = KILL_WINDOW.get(kind, 0.0)
    if kind == "migrate":
        window = _upgrade_seconds(path) * 1.1  # kills land anywhere in the upgrade, most within
    for trial in range(1, trials + 1):
        if kind == "migrate":
            _fresh_folder(path)
            shutil.copy(FIXTURES / "schema_0001.db", path)
        elif trial % SCHOOL_EVERY == 1:
            # A new school now and then keeps each check's cost flat (it reads the whole file);
            # within a round the database grows by every save of every kill.
            _fresh_folder(path)
            _new_school(path)
            reported = {}
            generation = 1
        lines, killed = _trial(kind, path, trial, rng, window)
        figures.trials += 1
        figures.kills += killed
        for line in lines:
            if "id" in line:
                reported[int(line["id"])] = str(line["summary"])
                figures.saved_reported += 1
            elif "error" in line:
                figures.problems.append(f"trial {trial}: the writer stopped: {line['error']}")
            elif "generation" in line:
                generation = max(generation, int(str(line["generation"])))
                figures.key_changes_reported += 1
            elif line.get("said") == "upgraded":
                figures.upgraded += 1
        if kind == "migrate":
            _check_upgrade(path, figures)
        else:
            _check_school(path, reported, generation, figures)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=1000, help="kills of each kind")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=KINDS)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    # Signing in is not what is being tested: Argon2 as cheap as the tests make it.
    keyslots.MINIMUM_KDF = keyslots.DEFAULT_KDF = keyslots.KdfParams(1, 8 * 1024, 1)
    results = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="esafety-crash-") as folder:
        for kind in args.kinds:
            results.append(run(kind, args.trials, Path(folder), args.seed))
    if args.json:
        print(json.dumps([r.__dict__ for r in results], indent=2))
    else:
        for r in results:
            print(
                f"{r.kind:8} {r.trials} trials, {r.kills} killed mid-run; "
                f"{r.saved_reported} saves reported, {r.lost} lost, {r.corrupt} corrupt "
                f"({r.unopenable} unopenable); "
                f"{r.backups_checked} backups checked, {r.unfinished_backups_left} unfinished "
                f"left (ignored); {r.upgraded} upgrades finished before the kill; "
                f"{r.key_changes_reported} key changes reported, "
                f"{sum(r.key_changes_interrupted.values())} interrupted by the kill "
                f"{r.key_changes_interrupted or ''}"
            )
            for problem, count in Counter(r.problems).most_common(10):
                print(f"    {count} x {problem}")
        print(f"{time.monotonic() - started:.0f} s in all")
    return 0 if all(r.lost == 0 and r.corrupt == 0 and not r.problems for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
