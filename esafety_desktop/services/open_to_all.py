"""Marking a service that every role may use.

A service that reads, changes or copies records takes a ``SignedIn`` and calls
``signed_in.require(permission)`` itself (and the refusal is recorded), or it is marked with
:func:`open_to_every_role` and says why: reading what every account may read (the cases it may
see, its own drafts), or work every session does (signing out). ``tests/security/
test_service_permissions.py`` lists every public service and fails on one that does neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

MARK = "__open_to_every_role__"


def open_to_every_role(why: str) -> Callable[[F], F]:
    """Mark a service every role may use, saying why (the reason is kept on the function)."""
    if not why.strip():
        raise ValueError("say why every role may use it")

    def mark(service: F) -> F:
        setattr(service, MARK, why)
        return service

    return mark
