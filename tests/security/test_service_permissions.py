"""Issue 19, item 9: every public service that takes a ``SignedIn`` checks the account's
permission itself (``signed_in.require(...)``, whose refusal is recorded), or is marked as
open to every role with a reason (``services/open_to_all.py``). The window hiding a button is
not protection: an account holder can call the services with the app's own code."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import esafety_desktop.services as services_package
from esafety_desktop.errors import NotAllowed
from esafety_desktop.services.open_to_all import MARK

SERVICES = Path(services_package.__file__).parent


def _public_services() -> Iterator[tuple[str, object]]:
    for info in pkgutil.walk_packages([str(SERVICES)], prefix="esafety_desktop.services."):
        module = importlib.import_module(info.name)
        for name, member in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            if member.__module__ != module.__name__:
                continue  # imported from elsewhere: checked where it is defined
            parameters = list(inspect.signature(member).parameters.values())
            if parameters and "SignedIn" in str(parameters[0].annotation):
                yield f"{module.__name__}.{name}", member


def _calls_require(function: object) -> bool:
    source = inspect.getsource(function)  # type: ignore[arg-type]
    tree = ast.parse(source.lstrip() if source.startswith(" ") else source)
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "require"
        for node in ast.walk(tree)
    )


def test_every_public_service_checks_the_permission_or_says_why_not() -> None:
    found = list(_public_services())
    assert len(found) > 50  # the walk found the services
    unchecked = [
        name
        for name, function in found
        if not _calls_require(function) and not hasattr(function, MARK)
    ]
    assert unchecked == []


def test_copying_the_database_elsewhere_needs_a_dsl(school: object) -> None:
    """``back_up(also_to=…)`` copies the whole database to a folder of the caller's choice."""
    from esafety_desktop.domain.roles import Role
    from esafety_desktop.services import accounts, backups
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.storage.device_secret import DeviceSecretStore
    from tests.conftest import School

    assert isinstance(school, School)
    accounts.add_account(
        school.signed_in,
        username="o.lead",
        display_name="Olly Lead",
        role=Role.ONLINE_SAFETY_LEAD,
        password="Bramble-Harness-Quartz-53",
    )
    lead = sign_in(school.path, "o.lead", "Bramble-Harness-Quartz-53", DeviceSecretStore())
    try:
        elsewhere = school.path.parent / "usb"
        elsewhere.mkdir()
        with pytest.raises(NotAllowed):
            backups.back_up(lead, "asked for", also_to=elsewhere)
        assert list(elsewhere.iterdir()) == []
    finally:
        lead.sign_out()
