"""The agencies a DSL rings: local ones the school fills in, national ones that are the same
everywhere. The wizard and the incident flowchart read names and numbers from here."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Contact:
    key: str
    label: str  # what the agency is, in the school's words
    name: str = ""  # e.g. "Anyshire MASH"
    phone: str = ""
    email: str = ""
    web: str = ""
    national: bool = False

    @property
    def filled_in(self) -> bool:
        return bool(self.phone or self.email or self.web)

    def updated(self, *, name: str, phone: str, email: str) -> Contact:
        return replace(self, name=name.strip(), phone=phone.strip(), email=email.strip())


LOCAL_CONTACTS: tuple[Contact, ...] = (
    Contact("police_local", "Police non-emergency (local team or schools officer)"),
    Contact("mash", "Children's social care / MASH"),
    Contact("lado", "LADO (Local Authority Designated Officer)"),
    Contact("la_safeguarding", "Local authority education safeguarding team"),
    Contact("prevent", "Prevent (local lead or police Prevent team)"),
)

NATIONAL_CONTACTS: tuple[Contact, ...] = (
    Contact("emergency", "Emergency: a child at immediate risk", "Police", "999", national=True),
    Contact("police_101", "Police non-emergency", "Police", "101", national=True),
    Contact(
        "ceop",
        "CEOP: online sexual abuse and grooming",
        "NCA-CEOP",
        web="www.ceop.police.uk/safety-centre",
        national=True,
    ),
    Contact(
        "iwf",
        "IWF: report child sexual abuse images online",
        "Internet Watch Foundation",
        web="report.iwf.org.uk",
        national=True,
    ),
)


def merge_saved(saved: dict[str, dict[str, str]]) -> list[Contact]:
    """The local contacts with what the school saved, then the national ones."""
    local = [
        c.updated(
            name=saved.get(c.key, {}).get("name", ""),
            phone=saved.get(c.key, {}).get("phone", ""),
            email=saved.get(c.key, {}).get("email", ""),
        )
        for c in LOCAL_CONTACTS
    ]
    return local + list(NATIONAL_CONTACTS)


def to_saved(contacts: list[Contact]) -> dict[str, dict[str, str]]:
    return {
        c.key: {"name": c.name, "phone": c.phone, "email": c.email}
        for c in contacts
        if not c.national
    }
