"""Commands for IT staff and scripts.

Passwords are never taken from the command line (other users could read them from the process
list): they are asked for at a prompt, or read one per line from standard input when it is not a
terminal, so scripts can pipe them in.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import esafety_desktop
from esafety_desktop import APP_NAME
from esafety_desktop.errors import InvalidInput, KeyringUnavailable, ProblemForUser

if TYPE_CHECKING:
    from esafety_desktop.services.access import SignedIn
    from esafety_desktop.storage.device_secret import DeviceSecretStore

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
EXIT_BUG = 70  # EX_SOFTWARE: a bug, reported as the window reports one
ATTENDED_KEYRING_WAIT_SECONDS = 120.0


class VersionAction(argparse.Action):
    """``--version``, with the version read only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any) -> None:
        print(f"{APP_NAME} {esafety_desktop.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="esafety-desktop",
        description=f"{APP_NAME}: commands for IT staff and scripts. Run esafety-desktop with no "
        "command to open the window.",
    )
    parser.add_argument("--version", action=VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser(
        "init",
        help="create a new encrypted school database with its first DSL account",
        description="Create a new encrypted school database with its first Designated "
        "Safeguarding Lead account. Prints the recovery key once.",
    )
    init.add_argument("--db", required=True, type=Path, help="where to create the database")
    init.add_argument("--school", required=True, help="the school's name")
    init.add_argument("--user", required=True, help="account name of the first DSL, e.g. j.smith")
    init.add_argument("--name", default="", help="the DSL's full name (default: the account)")
    init.add_argument(
        "--recovery-sheet", type=Path, metavar="OUT.pdf", help="also write the recovery sheet"
    )
    init.add_argument(
        "--password-only-on-this-pc",
        action="store_true",
        help="for a PC with no system keyring: protect accounts by password alone "
        "(weaker; recorded in the audit log)",
    )

    verify = commands.add_parser(
        "verify",
        help="check the database: page checksums, structure and the audit chain",
        description="Check every page's checksum, SQLite's structure and the audit chain. "
        "Exit 0 with a one-line summary when sound; otherwise exit 1 and list each problem.",
    )
    verify.add_argument("--db", required=True, type=Path)
    verify.add_argument("--user", required=True)

    recover = commands.add_parser(
        "recover",
        help="open with the recovery key (new PC, forgotten password) and set a new password",
        description="Open the database with the recovery key from the recovery sheet and set "
        "a new password for an account on this PC. Reads the recovery key, then the new "
        "password.",
    )
    recover.add_argument("--db", required=True, type=Path)
    recover.add_argument("--user", required=True)

    backup = commands.add_parser(
        "backup",
        help="make a verified backup now (for Windows Task Scheduler)",
        description="Make a verified encrypted backup in the backups folder beside the "
        "database, copy it to the second location chosen in Settings and, with --to, to "
        "another folder too. Old backups are thinned out: 7 daily, 4 weekly, 12 monthly. "
        "Reads the account's password.",
    )
    backup.add_argument("--db", required=True, type=Path)
    backup.add_argument("--user", required=True)
    backup.add_argument("--to", type=Path, metavar="DIR", help="also copy the backup here")

    restore = commands.add_parser(
        "restore",
        help="write a verified database from a backup (new PC, lost database)",
        description="Check a backup and write it as a new database at --db (which must not "
        "exist yet). Reads the recovery key (or, on the PC the backup came from, --user's "
        "password with --password), then a new password for --user twice.",
    )
    restore.add_argument(
        "--from",
        dest="source",
        required=True,
        type=Path,
        metavar="BACKUP",
        help="the backup's folder (named after the date it was made)",
    )
    restore.add_argument("--db", required=True, type=Path, metavar="NEW_PATH")
    restore.add_argument("--user", required=True, help="the account to sign in with afterwards")
    restore.add_argument(
        "--password",
        action="store_true",
        help="unlock with --user's password instead of the recovery key (same PC only)",
    )

    renew = commands.add_parser(
        "new-recovery-key",
        help="replace the recovery key (the old sheet stops working); DSL only",
        description="Make a new recovery key after the sheet was lost or seen. The old key "
        "stops working at once. Prints the new key once.",
    )
    renew.add_argument("--db", required=True, type=Path)
    renew.add_argument("--user", required=True)
    renew.add_argument("--recovery-sheet", type=Path, metavar="OUT.pdf")

    people = commands.add_parser(
        "import-people",
        help="import the pupil list exported from the MIS (CSV)",
        description="Check a CSV pupil list from the MIS and import it: new pupils are added, "
        "known ones (by UPN or admission number) updated. Nothing is imported while any row has "
        "a problem, unless --skip-problem-rows is given. Exit 1 with the row problems.",
    )
    people.add_argument("--db", required=True, type=Path)
    people.add_argument("--user", required=True)
    people.add_argument("--file", required=True, type=Path, metavar="F.csv")
    people.add_argument(
        "--mapping",
        type=Path,
        metavar="M.toml",
        help='which column is which: a [columns] table of field = "Heading"',
    )
    people.add_argument("--dry-run", action="store_true", help="check and report; change nothing")
    people.add_argument(
        "--full-roll",
        action="store_true",
        help="the file lists every pupil on roll: pupils missing from it become possible leavers",
    )
    people.add_argument(
        "--skip-problem-rows",
        action="store_true",
        help="import the sound rows and skip the rows with problems (they are listed)",
    )

    report = commands.add_parser(
        "report",
        help="make a report as a PDF: the governors' report, the incident log or a pupil's "
        "safeguarding chronology",
        description="Make a report as the app does, audited in the same way. The period is "
        "the current school year unless --from and --to are given (dd/mm/yyyy or yyyy-mm-dd).",
    )
    report.add_argument("kind", choices=("governors", "incident-log", "chronology"))
    report.add_argument("--db", required=True, type=Path)
    report.add_argument("--user", required=True)
    report.add_argument("--from", dest="start", metavar="D")
    report.add_argument("--to", dest="end", metavar="D")
    report.add_argument(
        "--names",
        action="store_true",
        help="incident log: name the people (otherwise Pupil 1, Staff 1…)",
    )
    report.add_argument("--pupil", metavar="UPN", help="chronology: the pupil's UPN")
    report.add_argument("--out", required=True, type=Path, metavar="F.pdf")

    demo = commands.add_parser(
        "demo",
        help="make the invented demo school at PATH and print its sign-in",
        description="Make the invented demo school (every name in it is made up) and print "
        "its sign-in as 'User:' and 'Password:' lines.",
    )
    demo.add_argument("--db", required=True, type=Path)
    return parser


COMMANDS = (
    "init",
    "verify",
    "recover",
    "new-recovery-key",
    "demo",
    "import-people",
    "report",
    "backup",
    "restore",
)


def main(argv: list[str] | None = None) -> int:
    from esafety_desktop.storage.files import use_private_file_modes

    use_private_file_modes()  # everything a command makes is this user's only
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        handler = {
            "init": _init,
            "verify": _verify,
            "recover": _recover,
            "new-recovery-key": _new_recovery_key,
            "demo": _demo,
            "import-people": _import_people,
            "report": _report,
            "backup": _backup,
            "restore": _restore,
        }[args.command]
        return handler(args)
    except ProblemForUser as problem:
        _say_problem(problem)
        if isinstance(problem, KeyringUnavailable) and args.command == "init":
            print(
                "To go ahead without a keyring, run the same command again with "
                "--password-only-on-this-pc.",
                file=sys.stderr,
            )
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        print("\nStopped. Nothing was changed.", file=sys.stderr)
        return EXIT_PROBLEM
    except Exception as bug:  # a bug: where it happened, never what it said
        from esafety_desktop.ui.crash import describe_bug

        print(describe_bug(type(bug), bug.__traceback__), file=sys.stderr, flush=True)
        return EXIT_BUG


def _init(args: argparse.Namespace) -> int:
    from esafety_desktop.services.access import create_school
    from esafety_desktop.services.passwords import require_acceptable_password

    _refuse_existing(args.recovery_sheet)
    password = read_secret(f"New password for {args.user}: ", confirm=True)
    require_acceptable_password(password, args.user)
    new = create_school(
        args.db,
        school_name=args.school,
        username=args.user,
        display_name=args.name,
        password=password,
        device_secrets=_this_pc(),
        password_only=args.password_only_on_this_pc,
    )
    signed_in = new.signed_in
    try:
        print(f"Created the school database for {args.school} at {args.db}")
        print(f"Key file (keep it with the database): {signed_in.database.files.key_slots}")
        if args.password_only_on_this_pc:
            print(
                "Accounts on this PC are protected by password alone (no system keyring). "
                "This choice is recorded in the audit log."
            )
        _hand_over_recovery_key(signed_in, new.recovery_key, args.recovery_sheet)
    finally:
        signed_in.sign_out()
    return EXIT_OK


def _new_recovery_key(args: argparse.Namespace) -> int:
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.services.accounts import replace_recovery_key

    _refuse_existing(args.recovery_sheet)
    password = read_secret(f"Password for {args.user}: ")
    signed_in = sign_in(args.db, args.user, password, _this_pc())
    try:
        key = replace_recovery_key(signed_in)
        print("The old recovery key no longer works; destroy the old sheet.")
        _hand_over_recovery_key(signed_in, key, args.recovery_sheet)
    finally:
        signed_in.sign_out()
    return EXIT_OK


def _refuse_existing(out: Path | None) -> None:
    if out is not None and out.exists():
        raise InvalidInput(f"There is already a file at {out}; choose another name.")


def _hand_over_recovery_key(signed_in: SignedIn, key: str, sheet: Path | None) -> None:
    print()
    print(f"Recovery key: {key}")
    print(
        "Write the recovery key down or print the recovery sheet, and keep it in the school "
        "safe. It is shown only this once; without it a lost password or a new PC means "
        "the records cannot be opened."
    )
    if sheet:
        _write_recovery_sheet(sheet, signed_in, key)
        print(
            f"Recovery sheet written to {sheet}. Print it, then delete the file: it is not "
            "encrypted."
        )


def _write_recovery_sheet(out: Path, signed_in: SignedIn, key: str) -> None:
    from esafety_desktop.services.exports import recovery_sheet, save_pdf

    save_pdf(signed_in, "Recovery sheet", recovery_sheet(signed_in, key), out)


def _verify(args: argparse.Namespace) -> int:
    from esafety_desktop.services.checks import verify_database

    password = read_secret(f"Password for {args.user}: ")
    report = verify_database(args.db, args.user, password, _this_pc())
    print(report.summary())
    for problem in report.problems:
        print(f"  - {problem}")
    for note in report.notes:
        print(f"Note: {note}")
    return EXIT_OK if report.sound else EXIT_PROBLEM


def _recover(args: argparse.Namespace) -> int:
    from esafety_desktop.services.access import sign_in_with_recovery_key

    recovery_key = read_secret("Recovery key (from the recovery sheet): ")
    password = read_secret(f"New password for {args.user}: ", confirm=True)
    signed_in = sign_in_with_recovery_key(
        args.db,
        recovery_key=recovery_key,
        username=args.user,
        new_password=password,
        device_secrets=_this_pc(),
    )
    signed_in.sign_out()
    print(f"{args.user} can now sign in on this PC with the new password.")
    return EXIT_OK


def _backup(args: argparse.Namespace) -> int:
    from esafety_desktop.services.backups import back_up_from_command_line

    password = read_secret(f"Password for {args.user}: ")
    run = back_up_from_command_line(args.db, args.user, password, _this_pc(), args.to)
    counts = run.backup.counts
    print(
        f"Backup made and verified: {run.backup.folder} ({counts.get('cases', 0)} cases, "
        f"{counts.get('people', 0)} people)."
    )
    if run.second is not None:
        print(f"Copied to {run.second.folder}.")
    if run.removed:
        print(
            f"{run.removed} older backup(s) removed by the schedule "
            "(7 daily, 4 weekly, 12 monthly)."
        )
    if run.second_problem:
        print(f"Warning: not copied to the second location: {run.second_problem}", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from esafety_desktop.services.backups import backup_at
    from esafety_desktop.services.restoring import open_backup, restore
    from esafety_desktop.storage.files import require_local_drive

    require_local_drive(args.db)  # before the backup is opened or a password asked for
    backup = backup_at(args.source)
    secrets = _this_pc()
    if args.password:
        password = read_secret(f"Password for {args.user} (when the backup was made): ")
        opened = open_backup(backup, username=args.user, password=password, device_secrets=secrets)
    else:
        key = read_secret("Recovery key (from the recovery sheet current when it was made): ")
        opened = open_backup(backup, recovery_key=key, device_secrets=secrets)
    try:
        print(
            f"Backup made {backup.made_at.astimezone():%d/%m/%Y %H:%M} passed its checks: "
            f"{opened.check.counts.get('cases', 0)} cases, {opened.check.counts.get('people', 0)} "
            f"people, {opened.check.audit_entries} audit entries."
        )
        new_password = read_secret(f"New password for {args.user}: ", confirm=True)
        restored = restore(
            opened, args.db, username=args.user, new_password=new_password, device_secrets=secrets
        )
    finally:
        opened.close()
    restored.signed_in.sign_out()
    print(f"Restored to {args.db}. {args.user} can sign in there with the new password.")
    return EXIT_OK


def _import_people(args: argparse.Namespace) -> int:
    import tomllib

    from esafety_desktop.domain.mis_import import FIELDS_BY_KEY, FileProblem, mapping_from_headings
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.services.people_import import (
        apply_import,
        open_table,
        plan_import,
        read_export_file,
    )

    try:
        table, mapping = open_table(read_export_file(args.file))
        if args.mapping:
            try:
                saved = tomllib.loads(args.mapping.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise InvalidInput(
                    f"The mapping file {args.mapping} cannot be read: {exc}"
                ) from None
            chosen = {str(k): str(v) for k, v in dict(saved.get("columns", {})).items()}
            mapping = mapping_from_headings(table.headings, chosen)
    except FileProblem as exc:
        raise InvalidInput(str(exc)) from None
    for key, column in mapping.items():
        shown = table.headings[column] if column is not None else "(none)"
        print(f"  {FIELDS_BY_KEY[key].label:<28} <- {shown}")
    password = read_secret(f"Password for {args.user}: ")
    signed_in = sign_in(args.db, args.user, password, _this_pc())
    try:
        try:
            plan = plan_import(
                signed_in, table, mapping, file_name=args.file.name, full_roll=args.full_roll
            )
        except FileProblem as exc:
            raise InvalidInput(str(exc)) from None
        for note in plan.notes:
            print(f"Note: {note}")
        for problem in plan.problems:
            print(f"Row {problem.row}: {problem.reason}", file=sys.stderr)
        print(
            f"{len(plan.records)} row(s) ready: {plan.new} new, {plan.updated} to update, "
            f"{plan.unchanged} unchanged; {len(plan.rows_with_problems)} row(s) with problems."
        )
        if plan.possible_leavers:
            print(f"{len(plan.possible_leavers)} pupil(s) on roll are not in the file.")
        if plan.problems and not args.skip_problem_rows:
            print(
                "Nothing was imported: correct the rows above, or use --skip-problem-rows.",
                file=sys.stderr,
            )
            return EXIT_PROBLEM
        if args.dry_run:
            print("Dry run: nothing was changed.")
            return EXIT_OK
        summary = apply_import(signed_in, plan, skip_rows=set(plan.rows_with_problems))
        print(summary.sentence())
        return EXIT_OK
    finally:
        signed_in.sign_out()


def _report(args: argparse.Namespace) -> int:
    from esafety_desktop.domain.school_year import Period, school_year_containing
    from esafety_desktop.services import reports
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.services.agreements import school_year_start
    from esafety_desktop.services.exports import save_pdf

    password = read_secret(f"Password for {args.user}: ")
    me = sign_in(args.db, args.user, password, _this_pc())
    try:
        if bool(args.start) != bool(args.end):
            raise InvalidInput("Give both --from and --to, or neither (the current school year).")
        if args.start:
            start, end = _cli_date(args.start), _cli_date(args.end)
            if end < start:
                raise InvalidInput("--to is before --from.")
            period = Period(start, end, f"{start:%d/%m/%Y} to {end:%d/%m/%Y}")
        else:
            period = school_year_containing(me.clock.today(), school_year_start(me))
        if args.kind == "chronology":
            pdf, title = _chronology(me, args.pupil), "Safeguarding chronology"
        elif args.kind == "governors":
            pdf, title = reports.governors_report(me, period), "Governors' report"
        else:
            pdf = reports.incident_log(me, period, names=args.names)
            title = "Incident log"
        save_pdf(me, title, pdf, args.out)
    finally:
        me.sign_out()
    print(f"Wrote {title.lower()} for {period.label} to {args.out} (not encrypted: keep it safe).")
    return EXIT_OK


def _chronology(me: SignedIn, upn: str | None) -> bytes:
    from esafety_desktop.domain.upn import normalise_upn
    from esafety_desktop.services.people import list_people
    from esafety_desktop.services.transfers import child_chronology

    if not upn:
        raise InvalidInput("Give the pupil's UPN with --pupil.")
    wanted = normalise_upn(upn)
    found = [r for r in list_people(me) if r.upn == wanted]
    if not found:
        raise InvalidInput(f"No pupil in the register has the UPN {upn}.")
    return child_chronology(me, found[0].id)


def _cli_date(text: str) -> date:
    from esafety_desktop.domain.uk_dates import DateProblem, parse_uk_date

    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_uk_date(text)
    except DateProblem as exc:
        raise InvalidInput(f"{text!r} is not a date: {exc}") from None


def _demo(args: argparse.Namespace) -> int:
    from esafety_desktop.demo import build_demo_school
    from esafety_desktop.services.demo import DEMO_SCHOOL_NAME

    demo = build_demo_school(args.db)
    print(f"Made the demo school {DEMO_SCHOOL_NAME} at {demo.path} (invented people only).")
    print(f"User: {demo.username}")
    print(f"Password: {demo.password}")
    return EXIT_OK


def _this_pc() -> DeviceSecretStore:
    """This PC's keyring. With nobody at a terminal (Task Scheduler, cron, a pipe) a locked
    keyring is an error at once, never an unlock prompt that waits for ever; at a terminal
    an unlock prompt is given two minutes."""
    from esafety_desktop.storage.device_secret import DeviceSecretStore

    if sys.stdin is not None and sys.stdin.isatty():
        return DeviceSecretStore(wait_seconds=ATTENDED_KEYRING_WAIT_SECONDS)
    return DeviceSecretStore(unattended=True)


def read_secret(prompt: str, *, confirm: bool = False, stdin: TextIO | None = None) -> str:
    """Ask at the terminal (twice when confirming), or read one line from piped input."""
    stream = stdin or sys.stdin
    if stream.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Type it again: ") != first:
            raise InvalidInput("The two passwords typed were different. Nothing was changed.")
        return first
    first = _line(stream, prompt)
    if confirm and _line(stream, prompt.rstrip(": ") + " (typed again): ") != first:
        raise InvalidInput("The two passwords given were different. Nothing was changed.")
    return first


def _line(stream: TextIO, prompt: str) -> str:
    line = stream.readline()
    if not line:
        raise InvalidInput(f"{prompt.rstrip(': ')} was expected on standard input.")
    return line.rstrip("\r\n")


def _say_problem(problem: ProblemForUser) -> None:
    print(f"Error: {problem.what}", file=sys.stderr)
    if problem.advice:
        print(problem.advice, file=sys.stderr)
