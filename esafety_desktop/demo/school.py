"""``resources/demo/school.toml``: the demo school's settings, contacts, other accounts, register
and the safeguarding files sent on with its leavers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from esafety_desktop.demo.files import Fields, read_file
from esafety_desktop.demo.people import PersonKey
from esafety_desktop.domain.contacts import LOCAL_CONTACTS, Contact
from esafety_desktop.domain.roles import Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: Role


@dataclass(frozen=True)
class Leavers:
    left_on: date
    pupils: int
    destination: str


@dataclass(frozen=True)
class FileTransfer:
    pupil: PersonKey
    on: date  # the day the pupil is named on
    sent_to: str
    sent_on: date
    how: str
    confirmed_on: date | None
    confirmed_by: str


@dataclass(frozen=True)
class DemoSchool:
    pupil_word: str
    recovery_sheet: str
    policy_review_date: date
    contacts: list[Contact]
    accounts: list[DemoAccount]
    pupils: int
    roll_file_name: str
    parents: int
    visitors: list[tuple[str, str]]  # name, organisation
    leavers: list[Leavers]
    transfers: list[FileTransfer]

    @property
    def head(self) -> DemoAccount:
        """The headteacher's account, which signs cases off."""
        return next(a for a in self.accounts if a.role is Role.HEADTEACHER)


def read_school(path: Path) -> DemoSchool:
    top = read_file(path)
    settings = top.table("settings")
    register = top.table("register")
    school = DemoSchool(
        pupil_word=settings.text("pupil_word"),
        recovery_sheet=settings.text("recovery_sheet"),
        policy_review_date=settings.day("policy_review_date"),
        contacts=_contacts(top.table("contacts")),
        accounts=[_account(a) for a in top.tables("accounts", "account")],
        pupils=register.number("pupils"),
        roll_file_name=register.text("roll_file_name"),
        parents=register.number("parents"),
        visitors=[_visitor(v) for v in top.tables("visitors", "visitor")],
        leavers=[_leavers(c) for c in top.tables("leavers", "leavers")],
        transfers=[_transfer(t) for t in top.tables("transfers", "transfer")],
    )
    for fields in (settings, register, top):
        fields.done()
    if sum(a.role is Role.HEADTEACHER for a in school.accounts) != 1:
        raise top.problem("one of the accounts must be the headteacher's (role = headteacher)")
    return school


def _contacts(table: Fields) -> list[Contact]:
    """Every local contact the app knows, as the file fills it in."""
    found = []
    for contact in LOCAL_CONTACTS:
        if not table.has(contact.key):
            raise table.problem(f"{contact.key} is missing")
        given = table.table(contact.key)
        found.append(
            contact.updated(
                name=given.text("name"), phone=given.text("phone"), email=given.text("email", "")
            )
        )
        given.done()
    table.done()
    return found


def _account(fields: Fields) -> DemoAccount:
    role = fields.text("role")
    if role not in {r.value for r in Role}:
        raise fields.problem(f"role should be one of {', '.join(r.value for r in Role)}")
    account = DemoAccount(fields.text("username"), fields.text("name"), Role(role))
    fields.done()
    return account


def _visitor(fields: Fields) -> tuple[str, str]:
    visitor = fields.text("name"), fields.text("organisation")
    fields.done()
    return visitor


def _leavers(fields: Fields) -> Leavers:
    leavers = Leavers(fields.day("left_on"), fields.number("pupils"), fields.text("destination"))
    fields.done()
    return leavers


def _transfer(fields: Fields) -> FileTransfer:
    pupil = fields.table("pupil")
    transfer = FileTransfer(
        pupil=PersonKey.read(pupil),
        on=pupil.day("on"),
        sent_to=fields.text("sent_to"),
        sent_on=fields.day("sent_on"),
        how=fields.text("how"),
        confirmed_on=fields.day("confirmed_on") if fields.has("confirmed_on") else None,
        confirmed_by=fields.text("confirmed_by", ""),
    )
    pupil.done()
    fields.done()
    return transfer
