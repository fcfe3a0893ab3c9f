"""The Unique Pupil Number (UPN) every pupil in an English state school has.

Thirteen characters: a check letter, then twelve digits (or eleven digits and a letter for a
temporary UPN). The check letter is the DfE's: characters 2–13 weighted 2..13, letters valued by
their place in the 23-letter alphabet below, the sum taken modulo 23.
"""

from __future__ import annotations

import re

_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # no I, O or S
_SHAPE = re.compile(r"^[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]$")


def normalise_upn(text: str) -> str:
    return "".join(text.split()).upper()


def upn_problem(upn: str) -> str | None:
    """Why ``upn`` is not a valid UPN, or None when it is."""
    if len(upn) != 13:
        return f"a UPN has 13 characters; {upn!r} has {len(upn)}"
    if not _SHAPE.match(upn):
        return f"{upn!r} is not shaped like a UPN (a letter, then 12 digits)"
    if check_letter(upn[1:]) != upn[0]:
        return f"{upn!r} has the wrong check letter (it would be {check_letter(upn[1:])})"
    return None


def check_letter(body: str) -> str:
    total = 0
    for weight, char in enumerate(body, start=2):
        total += weight * (int(char) if char.isdigit() else _ALPHABET.index(char))
    return _ALPHABET[total % 23]


def make_upn(la_code: int, school_number: int, year: int, serial: int) -> str:
    """A well-formed UPN (for invented demo and test data)."""
    body = f"{la_code:03d}{school_number:04d}{year % 100:02d}{serial:03d}"
    return check_letter(body) + body
