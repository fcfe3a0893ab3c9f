"""The invented school every bench starts from (cheap key derivation: unlock cost is measured
in unlock_cost.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from esafety_desktop.services.access import SignedIn


def bench_school(folder: Path, name: str = "Bench High (invented)") -> SignedIn:
    from esafety_desktop.services.access import create_school
    from esafety_desktop.storage import keyslots
    from esafety_desktop.storage.device_secret import DeviceSecretStore

    keyslots.DEFAULT_KDF = keyslots.MINIMUM_KDF
    return create_school(
        folder / "school.db",
        school_name=name,
        username="bench",
        display_name="Bench DSL",
        password="Kettle-Orchard-Lantern-42",
        device_secrets=DeviceSecretStore(),
        password_only=True,
    ).signed_in
