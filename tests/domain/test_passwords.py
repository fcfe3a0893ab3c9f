import pytest

from esafety_desktop.domain.passwords import MIN_LENGTH, check_password

COMMON = {"password1234", "safeguarding1"}


def test_a_long_unusual_password_is_accepted() -> None:
    verdict = check_password("Kettle-Orchard-Lantern-42", COMMON)
    assert verdict.acceptable
    assert verdict.strength >= 3


def test_short_passwords_are_refused_with_the_rule() -> None:
    verdict = check_password("Abc!12345", COMMON)
    assert not verdict.acceptable
    assert f"at least {MIN_LENGTH} characters" in verdict.reason


@pytest.mark.parametrize(
    "password", ["PASSWORD1234", "Safeguarding1", "aaaaaaaaaaaaaa", "abcdefghijklm"]
)
def test_common_and_patterned_passwords_are_refused(password: str) -> None:
    verdict = check_password(password, COMMON)
    assert not verdict.acceptable
    assert "attackers try" in verdict.reason
    assert verdict.strength_label == "Very weak"


def test_a_password_holding_the_account_name_is_refused() -> None:
    verdict = check_password("jo.dsl-Orchard-Lantern", COMMON, account="jo.dsl")
    assert not verdict.acceptable
    assert "account name" in verdict.reason


def test_leading_or_trailing_spaces_are_refused() -> None:
    assert not check_password(" Kettle-Orchard-Lantern", COMMON).acceptable
