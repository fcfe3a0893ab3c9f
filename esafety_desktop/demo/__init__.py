"""The demo school: an invented school a newcomer can open and look round, built from the files
in ``resources/demo/`` and recorded through the services exactly as the app would record it.

Everything in it is made up. Its accounts use password-only key slots (the choice is in its
audit log) so it opens on any PC, keyring or not, and its sign-in (``services/demo.py``) is
shown on the unlock screen. Its cases and agreements are written as if on the days they
happened: the sessions building it are given a clock set to each day. The audit log keeps the
real time, so it shows truthfully when the demo was built.

Like ``cli``, a top-level part that may use every layer; the windows and the command line
start it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from pathlib import Path

from esafety_desktop.demo.agreements import add_agreements, read_agreements
from esafety_desktop.demo.case_data import DemoCase
from esafety_desktop.demo.cases import add_cases, read_cases, read_usual_steps
from esafety_desktop.demo.files import DemoDataError, at_local, demo_folder
from esafety_desktop.demo.people import add_register
from esafety_desktop.demo.school import DemoSchool, read_school
from esafety_desktop.domain.clock import SettableClock
from esafety_desktop.services import accounts, incidents, people, reports, settings, transfers
from esafety_desktop.services.access import SignedIn, create_school, sign_in, this_pc
from esafety_desktop.services.backups import BY_HAND, back_up
from esafety_desktop.services.checks import verify_open_database
from esafety_desktop.services.demo import (
    DEMO_DISPLAY_NAME,
    DEMO_PASSWORD,
    DEMO_SCHOOL_NAME,
    DEMO_USERNAME,
)

__all__ = ["DemoDataError", "DemoSignIn", "build_demo_school", "load_cases"]

TRANSFERS_AT = time(11, 0)


@dataclass(frozen=True)
class DemoSignIn:
    path: Path
    username: str = DEMO_USERNAME
    password: str = DEMO_PASSWORD


def load_cases(folder: Path | None = None) -> list[DemoCase]:
    """Every demo case (``resources/demo/cases/*.toml`` unless another folder is given), each
    checked against the shipped flowchart as it is read."""
    chart = incidents.shipped_flowchart()
    usual = read_usual_steps(demo_folder() / "usual_steps.toml", chart)
    folder = folder if folder is not None else demo_folder() / "cases"
    return [
        case for path in sorted(folder.glob("*.toml")) for case in read_cases(path, chart, usual)
    ]


def build_demo_school(path: Path) -> DemoSignIn:
    """Create the demo school at ``path`` (which must not exist yet). Every file is read and
    checked before anything is made."""
    school = read_school(demo_folder() / "school.toml")
    cases = load_cases()
    history = read_agreements(demo_folder() / "agreements.toml")
    clock = SettableClock()  # the system's, but for the invented days below
    new = create_school(
        path,
        school_name=DEMO_SCHOOL_NAME,
        username=DEMO_USERNAME,
        display_name=DEMO_DISPLAY_NAME,
        password=DEMO_PASSWORD,
        device_secrets=this_pc(),
        password_only=True,
        first_settings={"pupil_word": school.pupil_word},
        clock=clock,
    )
    me = new.signed_in
    try:
        settings.set_contacts(me, school.contacts)
        for account in school.accounts:
            accounts.add_account(
                me,
                username=account.username,
                display_name=account.name,
                role=account.role,
                password=DEMO_PASSWORD,
            )
        settings.confirm_recovery_sheet(me, school.recovery_sheet)
        add_register(me, school)
        head = sign_in(path, school.head.username, DEMO_PASSWORD, this_pc(), clock)
        try:
            add_cases(me, head, clock, cases)
        finally:
            head.sign_out()
        add_agreements(me, clock, history)
        _add_transfers(me, clock, school)
        verify_open_database(me)
        back_up(me, BY_HAND)  # so Settings › Backups and the restore wizard have one to show
    finally:
        me.sign_out()
    return DemoSignIn(path=Path(path))


def _add_transfers(me: SignedIn, clock: SettableClock, school: DemoSchool) -> None:
    """The leavers' safeguarding files sent on, and the policy's review date."""
    everyone = people.list_people(me)
    today = clock.today()
    for sent in school.transfers:
        pupil = sent.pupil.find(everyone, sent.on, today)
        with clock.at(at_local(sent.sent_on, TRANSFERS_AT)):
            transfer = transfers.record_transfer(me, pupil, sent.sent_to, sent.sent_on, sent.how)
        if sent.confirmed_on is not None:
            with clock.at(at_local(sent.confirmed_on, TRANSFERS_AT)):
                transfers.confirm_receipt(me, transfer, sent.confirmed_on, sent.confirmed_by)
    reports.set_policy_review_date(me, school.policy_review_date)
