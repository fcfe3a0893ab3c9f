"""Which passwords an account may have.

Twelve characters at least, and not one of the passwords attackers try first. A rough strength
score is given for the window's strength meter.
"""

from __future__ import annotations

import itertools
import math
import string
from collections.abc import Iterable
from dataclasses import dataclass

MIN_LENGTH = 12


@dataclass(frozen=True)
class PasswordVerdict:
    acceptable: bool
    reason: str
    strength: int  # 0 (very weak) .. 4 (strong)

    @property
    def strength_label(self) -> str:
        return ("Very weak", "Weak", "Fair", "Good", "Strong")[self.strength]


def check_password(password: str, common: Iterable[str], *, account: str = "") -> PasswordVerdict:
    """Judge a new password; ``common`` is the list of passwords that are refused outright."""
    strength = _strength(password)
    if len(password) < MIN_LENGTH:
        return PasswordVerdict(
            False, f"The password must have at least {MIN_LENGTH} characters.", min(strength, 1)
        )
    if password.strip() != password:
        return PasswordVerdict(
            False, "The password must not start or end with a space.", min(strength, 1)
        )
    folded = password.lower()
    if folded in {c.lower() for c in common} or _is_repetitive(folded):
        return PasswordVerdict(
            False, "That password is one of the first that attackers try. Choose another.", 0
        )
    if account and account.lower() in folded:
        return PasswordVerdict(False, "The password must not contain the account name.", 0)
    return PasswordVerdict(True, "", max(strength, 2))


def _is_repetitive(folded: str) -> bool:
    if len(set(folded)) <= 3:
        return True
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(folded)}
    return len(steps) == 1  # abcdefghijkl, 123456789012 …


def _strength(password: str) -> int:
    pools = [
        (string.ascii_lowercase, 26),
        (string.ascii_uppercase, 26),
        (string.digits, 10),
        (string.punctuation + " ", 33),
    ]
    size = sum(n for chars, n in pools if any(c in chars for c in password))
    if any(ord(c) > 127 for c in password):
        size += 100
    if not password or size == 0:
        return 0
    bits = len(set(password)) / len(password) * len(password) * math.log2(size)
    for limit, score in ((40, 0), (60, 1), (80, 2), (100, 3)):
        if bits < limit:
            return score
    return 4
