"""This PC's keyring: missing, locked and waiting are told apart, and a command run by
itself never waits on an unlock prompt."""

from __future__ import annotations

import time
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from esafety_desktop.errors import KeyringIsLocked, KeyringUnavailable
from esafety_desktop.services.access import create_school
from esafety_desktop.storage.device_secret import DeviceSecretStore, KeyringState
from tests.conftest import DSL_PASSWORD
from tests.memory_keyring import (
    DismissedKeyring,
    LockedKeyring,
    MemoryKeyring,
    NoKeyring,
    WaitingKeyring,
)


def test_a_working_keyring_is_ready_and_keeps_the_secret(this_pc_keyring: MemoryKeyring) -> None:
    store = DeviceSecretStore()
    assert store.state() is KeyringState.READY
    secret = store.get_or_create()
    assert store.get() == secret
    assert DeviceSecretStore(unattended=True).get() == secret


@pytest.mark.parametrize("backend", [keyring.backends.fail.Keyring(), NoKeyring()])
def test_no_keyring_is_missing(backend: keyring.backend.KeyringBackend) -> None:
    keyring.set_keyring(backend)
    store = DeviceSecretStore()
    assert store.state() is KeyringState.MISSING
    with pytest.raises(KeyringUnavailable, match="no secure password store") as raised:
        store.get_or_create()
    assert "setup wizard offers that choice" in raised.value.advice


@pytest.mark.parametrize("backend", [LockedKeyring(), DismissedKeyring()])
def test_a_locked_keyring_is_told_apart_and_says_to_unlock_it(
    backend: DismissedKeyring, tmp_path: Path
) -> None:
    keyring.set_keyring(backend)
    store = DeviceSecretStore()
    assert store.state() is KeyringState.LOCKED
    with pytest.raises(KeyringIsLocked) as raised:
        create_school(
            tmp_path / "school.db",
            school_name="X School",
            username="jo.dsl",
            display_name="Jo",
            password=DSL_PASSWORD,
            device_secrets=store,
        )
    problem = raised.value
    assert not isinstance(problem, KeyringUnavailable)
    assert "is locked" in problem.what
    assert "no secure password store" not in str(problem)
    assert "Unlock it" in problem.advice and "login keyring" in problem.advice
    for weaker in ("password-only", "passwords alone", "password alone"):
        assert weaker not in str(problem)  # unlocking is the answer, not weaker protection
    assert list(tmp_path.iterdir()) == []


def test_unattended_a_keyring_that_says_it_is_locked_is_not_even_asked() -> None:
    backend = LockedKeyring()
    keyring.set_keyring(backend)
    with pytest.raises(KeyringIsLocked) as raised:
        DeviceSecretStore(unattended=True).get()
    assert backend.calls == 0  # no prompt was started
    assert "scheduled backup" in raised.value.advice


def test_unattended_an_unlock_prompt_nobody_answers_is_given_up_on() -> None:
    backend = WaitingKeyring()
    keyring.set_keyring(backend)
    started = time.monotonic()
    try:
        with pytest.raises(KeyringIsLocked, match=r"did not answer within 0\.3 seconds"):
            DeviceSecretStore(unattended=True, wait_seconds=0.3).get_or_create()
        assert time.monotonic() - started < 5
    finally:
        backend.answer()  # the call left waiting ends


def test_an_unlock_prompt_answered_in_time_goes_on() -> None:
    backend = WaitingKeyring()
    keyring.set_keyring(backend)
    backend.answer()
    store = DeviceSecretStore(unattended=True, wait_seconds=5)
    assert store.get_or_create() == store.get()
