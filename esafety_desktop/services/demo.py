"""The demo school: an invented school a newcomer can open and look round.

Everything in it is made up. Its accounts use password-only key slots (the choice is in its
audit log) so it opens on any PC, keyring or not, and its sign-in is shown on the unlock screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from esafety_desktop.domain.contacts import LOCAL_CONTACTS
from esafety_desktop.domain.roles import Role

DEMO_SCHOOL_NAME = "Oakfield Primary School (demo)"
DEMO_USERNAME = "demo.dsl"
# Invented school, invented records: its password is printed openly on purpose.
DEMO_PASSWORD = "Demo-Oakfield-2026"  # noqa: S105
DEMO_DISPLAY_NAME = "Alex Morgan"

# Ofcom reserves 01632 960000-960999 for drama: none of these numbers can ring anyone.
_DEMO_CONTACTS = {
    "police_local": ("Anyshire Police schools officer", "01632 960101", ""),
    "mash": ("Anyshire MASH", "01632 960202", "mash@anyshire.example"),
    "lado": ("Anyshire LADO", "01632 960303", "lado@anyshire.example"),
    "la_safeguarding": ("Anyshire education safeguarding team", "01632 960404", ""),
    "prevent": ("Anyshire Prevent lead", "01632 960505", "prevent@anyshire.example"),
}

_DEMO_STAFF = [
    ("s.patel", "Sam Patel", Role.DEPUTY_DSL),
    ("c.evans", "Chris Evans", Role.HEADTEACHER),
    ("j.lee", "Jordan Lee", Role.ONLINE_SAFETY_LEAD),
]


@dataclass(frozen=True)
class DemoSignIn:
    path: Path
    username: str = DEMO_USERNAME
    password: str = DEMO_PASSWORD


def build_demo_school(path: Path) -> DemoSignIn:
    """Create the demo school at ``path`` (which must not exist yet)."""
    # Imported here: the sign-in window reads the constants above before SQLAlchemy loads.
    from esafety_desktop.services import accounts, settings
    from esafety_desktop.services.access import create_school
    from esafety_desktop.services.checks import verify_open_database
    from esafety_desktop.storage.device_secret import DeviceSecretStore

    new = create_school(
        path,
        school_name=DEMO_SCHOOL_NAME,
        username=DEMO_USERNAME,
        display_name=DEMO_DISPLAY_NAME,
        password=DEMO_PASSWORD,
        device_secrets=DeviceSecretStore(),
        password_only=True,
        first_settings={"pupil_word": "pupil"},
    )
    me = new.signed_in
    try:
        contacts = [
            c.updated(
                name=_DEMO_CONTACTS[c.key][0],
                phone=_DEMO_CONTACTS[c.key][1],
                email=_DEMO_CONTACTS[c.key][2],
            )
            for c in LOCAL_CONTACTS
        ]
        settings.set_contacts(me, contacts)
        for username, name, role in _DEMO_STAFF:
            accounts.add_account(
                me, username=username, display_name=name, role=role, password=DEMO_PASSWORD
            )
        settings.confirm_recovery_sheet(me, "printed")
        verify_open_database(me)
    finally:
        me.sign_out()
    return DemoSignIn(path=Path(path))
