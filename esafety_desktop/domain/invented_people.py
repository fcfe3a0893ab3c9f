"""Invented people for the demo school, tests and benchmarks. Seeded, so the same every time.

First names and surnames are common ones, paired at random: nobody real is described.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from esafety_desktop.domain.upn import make_upn

FIRST_NAMES = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Freya",
    "Willow",
    "Evie",
    "Florence",
    "Poppy",
    "Ella",
    "Emily",
    "Sienna",
    "Daisy",
    "Aisha",
    "Zara",
    "Maya",
    "Hannah",
    "Priya",
    "Chloe",
    "Ruby",
    "Erin",
    "Niamh",
    "Leah",
    "Noah",
    "Oliver",
    "George",
    "Arthur",
    "Leo",
    "Muhammad",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theodore",
    "Jack",
    "Charlie",
    "Freddie",
    "Alfie",
    "Thomas",
    "Finley",
    "Ethan",
    "Isaac",
    "Jacob",
    "Samuel",
    "Joshua",
    "Reuben",
    "Kai",
    "Rohan",
    "Ibrahim",
    "Tomasz",
    "Kwame",
    "Dylan",
    "Rhys",
    "Callum",
    "Lewis",
    "Ryan",
    "Aaron",
    "Tyler",
    "Mason",
    "Louis",
    "Elliot",
    "Zain",
    "Yusuf",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
    "Scott",
    "Watson",
    "Davis",
    "Parker",
    "James",
    "Bennett",
    "Young",
    "Phillips",
    "Richardson",
    "Mitchell",
    "Bailey",
    "Carter",
    "Cook",
    "Singh",
    "Shaw",
    "Bell",
    "Collins",
    "Morgan",
    "Kelly",
    "Begum",
    "Miller",
    "Cox",
    "Hussain",
    "Marshall",
    "Simpson",
    "Price",
    "Anderson",
    "Adams",
    "Wilkinson",
    "Ali",
    "Ahmed",
    "Foster",
    "Ellis",
    "Murphy",
    "Chapman",
    "Mason",
    "Gray",
    "Richards",
    "Webb",
    "Griffiths",
    "Hunt",
    "Palmer",
    "Campbell",
    "Holmes",
    "Mills",
    "Rogers",
    "Barnes",
    "Knight",
    "Matthews",
    "Barker",
    "Lloyd",
    "Kowalczyk",
    "Mensah",
    "Okafor",
    "Nowak",
    "Brennan",
    "Fairclough",
    "Gwilliam",
    "Ashdown",
    "Brightwell",
    "Carrow",
]
STAFF_ROLES = (
    "Class teacher",
    "Teaching assistant",
    "Office manager",
    "Site manager",
    "SENCo",
    "Lunchtime supervisor",
    "Computing lead",
    "Cook",
    "Cleaner",
    "Sports coach (volunteer)",
    "Reading volunteer",
    "School business manager",
)

NICKNAMES = {
    "Oliver": "Olly",
    "Samuel": "Sam",
    "Thomas": "Tom",
    "Joshua": "Josh",
    "Jacob": "Jake",
    "Isabella": "Bella",
    "Florence": "Flo",
    "Theodore": "Theo",
    "Frederick": "Freddie",
    "Alexander": "Alex",
    "Elizabeth": "Lizzie",
    "Muhammad": "Mo",
}

PRIMARY_YEARS = ("R", "1", "2", "3", "4", "5", "6")
SECONDARY_YEARS = ("7", "8", "9", "10", "11", "12", "13")


@dataclass(frozen=True)
class InventedPupil:
    forename: str
    surname: str
    preferred_name: str
    date_of_birth: date
    upn: str
    mis_id: str
    year_group: str
    class_name: str
    send: bool
    eal: bool
    looked_after: bool
    start_date: date


def invented_pupils(
    count: int, years: tuple[str, ...], *, school_year_start: int = 2026, seed: int = 7
) -> list[InventedPupil]:
    """``count`` pupils spread over ``years``, with believable birthdays and flags."""
    chance = random.Random(seed)
    pupils = []
    for n in range(count):
        year = years[n % len(years)]
        offset = 0 if year == "R" else int(year)
        # Year k: born from September (start - k - 6) to August (start - k - 5).
        born_from = date(school_year_start - 5 - offset - 1, 9, 1)
        birthday = born_from + timedelta(days=chance.randrange(365))
        forename = chance.choice(FIRST_NAMES)
        form = f"{year}{chance.choice('AB')}" if year != "R" else f"R{chance.choice('AB')}"
        pupils.append(
            InventedPupil(
                forename=forename,
                surname=chance.choice(SURNAMES),
                preferred_name=NICKNAMES.get(forename, "") if chance.random() < 0.3 else "",
                date_of_birth=birthday,
                upn=make_upn(938, 4000 + seed % 1000, (school_year_start - offset) % 100, n % 1000)
                if n < 1000
                else make_upn(939, 4000 + seed % 1000, n // 1000, n % 1000),
                mis_id=f"{100000 + 10000 * (seed % 90) + n}",
                year_group=year,
                class_name=form,
                send=chance.random() < 0.14,
                eal=chance.random() < 0.18,
                looked_after=chance.random() < 0.01,
                start_date=date(school_year_start - offset, 9, 3),
            )
        )
    return pupils


def pupil_csv(pupils: list[InventedPupil]) -> bytes:
    """The pupils as a SIMS-like CSV export (for the demo import, tests and benchmarks)."""
    lines = [
        "Legal Surname,Legal Forename,Preferred Forename,DOB,UPN,Adno,Year,Reg Group,"
        "SEN Status,EAL,In Care,Admission Date"
    ]
    for p in pupils:
        lines.append(
            f"{p.surname},{p.forename},{p.preferred_name},{p.date_of_birth:%d/%m/%Y},{p.upn},"
            f"{p.mis_id},{p.year_group},{p.class_name},{'K' if p.send else 'N'},"
            f"{'Yes' if p.eal else 'No'},{'Yes' if p.looked_after else 'No'},"
            f"{p.start_date:%d/%m/%Y}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
