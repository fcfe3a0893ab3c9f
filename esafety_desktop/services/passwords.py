"""The password rule as the services apply it (the rule itself is in domain/passwords.py)."""

from __future__ import annotations

from functools import cache

from esafety_desktop.domain.passwords import PasswordVerdict, check_password
from esafety_desktop.errors import InvalidInput
from esafety_desktop.paths import resources_dir


@cache
def common_passwords() -> frozenset[str]:
    lines = (resources_dir() / "common_passwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def judge_password(password: str, account: str = "") -> PasswordVerdict:
    return check_password(password, common_passwords(), account=account)


def require_acceptable_password(password: str, account: str = "") -> None:
    verdict = judge_password(password, account)
    if not verdict.acceptable:
        raise InvalidInput(verdict.reason)
