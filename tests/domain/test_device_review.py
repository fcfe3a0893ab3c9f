import pytest

from esafety_desktop.domain.device_review import (
    DeviceSiteReview,
    ReviewedItem,
    Reviewer,
    ReviewProblem,
    parse_items,
)


def _review(**changes: object) -> DeviceSiteReview:
    values: dict[str, object] = {
        "reason": "Sites visited",
        "first_reviewer": Reviewer("Jo Bloggs", "DSL"),
        "second_reviewer": Reviewer("Sam Patel", "Deputy head"),
        "computer": "Office laptop, head's office",
        "items": [ReviewedItem("site.example", "adult contact")],
        "conclusion": "Concern has substance",
        "action": "Internal response",
    }
    values.update(changes)
    return DeviceSiteReview(**values)  # type: ignore[arg-type]


def test_a_complete_review_passes_and_round_trips() -> None:
    review = _review()
    review.check()
    assert DeviceSiteReview.from_json(review.to_json()) == review


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"second_reviewer": Reviewer("", "")}, "Two senior reviewers"),
        ({"second_reviewer": Reviewer("jo bloggs", "Head")}, "different people"),
        ({"computer": ""}, "Name the computer"),
        ({"items": []}, "List each site"),
        ({"child_abuse_images_found": True}, "call the police"),
        ({"conclusion": ""}, "conclusion"),
    ],
)
def test_an_incomplete_review_says_what_is_missing(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ReviewProblem, match=message):
        _review(**changes).check()


def test_sites_are_read_one_per_line() -> None:
    assert parse_items("a.example | why\n\nb.example - because\n") == [
        ReviewedItem("a.example", "why"),
        ReviewedItem("b.example", "because"),
    ]
    with pytest.raises(ReviewProblem, match="Line 1"):
        parse_items("just an address")
