"""The audit log's details in words: lists, names of fields, dates, yes/no."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from esafety_desktop.domain.audit_wording import (
    action_label,
    describe_details,
    details_in_words,
    name_in_words,
    value_in_words,
)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (["OS-2026-0011", "OS-2026-0012"], "OS-2026-0011, OS-2026-0012"),
        (["laptop_asset_tag", "upn", "send"], "laptop asset tag, UPN, SEND"),
        ([], "none"),
        (True, "yes"),
        (False, "no"),
        (None, "none"),
        (3, "3"),
        ("2026-03-01", "01/03/2026"),
        ("2026-03-01T14:05:09", "01/03/2026 14:05"),
        ("2026-02-30", "2026-02-30"),  # not a date after all: as it is
        (date(2026, 3, 1), "01/03/2026"),
        ("to_do", "to do"),
        ("url", "web address"),
        ("Pat Head", "Pat Head"),
        ("review-pack-2026-03-01.esreview", "review-pack-2026-03-01.esreview"),
        ("recovery key", "recovery key"),
    ],
)
def test_a_value_in_words(value: object, words: str) -> None:
    assert value_in_words(value) == words


def test_a_time_with_a_zone_is_said_in_this_pcs_time() -> None:
    moment = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    assert value_in_words(moment.isoformat()) == f"{moment.astimezone():%d/%m/%Y %H:%M}"


def test_names_in_words() -> None:
    assert name_in_words("laptop_asset_tag") == "laptop asset tag"
    assert name_in_words("left_out_allegations_about_the_head") == (
        "left out allegations about the head"
    )
    assert name_in_words("sha256") == "SHA-256"


def test_details_are_named_in_words_and_separated_by_semicolons() -> None:
    assert details_in_words(
        {
            "cases": ["OS-2026-0011", "OS-2026-0012"],
            "reviewer": "Pat Head",
            "evidence_files": 0,
            "full_roll": True,
        }
    ) == (
        "cases: OS-2026-0011, OS-2026-0012; evidence files: 0; full roll: yes; reviewer: Pat Head"
    )


def test_what_a_person_typed_or_a_file_name_is_shown_as_it_is() -> None:
    assert details_in_words({"username": "pat_head", "file": "my_export_2026-03-01.csv"}) == (
        "file: my_export_2026-03-01.csv; username: pat_head"
    )
    assert describe_details(
        "settings.changed", {"setting": "school_name", "from": "", "to": "St_Mary's"}
    ) == ("School name: (none) → St_Mary's")


def test_a_fingerprint_is_shortened_as_on_the_agreement_forms() -> None:
    digest = "db14e07f84ee5d0987cefefbc7a2a08afd8c76e9249906fcb623e111097eb591"
    assert describe_details("evidence.added", {"kind": "screenshot", "sha256": digest}) == (
        "kind: screenshot; SHA-256: db14e07f84ee5d09…"
    )


def test_actions_with_their_own_wording() -> None:
    assert describe_details("person.changed", {"fields": ["email", "laptop_asset_tag"]}) == (
        "fields: email, laptop asset tag"
    )
    assert describe_details("incident.created", {"reference": "OS-2026-0003", "type": "nudes"}) == (
        "OS-2026-0003: Nudes or semi-nudes"
    )
    assert describe_details(
        "settings.changed", {"setting": "backup_second_location", "value": None}
    ) == ("Second location for backups: (none)")
    assert describe_details(
        "incident.step_recorded", {"step": "tell_the_parents", "state": "not_needed"}
    ) == ("state: not needed; step: tell the parents")
    assert describe_details(
        "agreement.signatures_recorded", {"people": 12, "signed_on": "2026-09-04"}
    ) == ("people: 12; signed on: 04/09/2026")


def test_review_packs_and_backups_have_labels() -> None:
    assert action_label("review_pack.exported") == "Review pack made for the headteacher"
    assert action_label("review_pack.imported") == "Headteacher's review imported"
    assert action_label("backup.made") == "Backup made"
    assert action_label("something.new_here") == "Something: new here"
