import pytest

from esafety_desktop.domain.misuse_grid import MisuseGridError, load_misuse_grid, suggest
from esafety_desktop.paths import resources_dir


@pytest.fixture(scope="module")
def grid():  # type: ignore[no-untyped-def]
    return load_misuse_grid((resources_dir() / "misuse_grid.toml").read_text(encoding="utf-8"))


def test_the_shipped_grid_has_c1_to_c4(grid) -> None:  # type: ignore[no-untyped-def]
    assert list(grid) == ["C1", "C2", "C3", "C4"]
    assert "Teacher or pastoral detention" in grid["C2"].first


def test_a_first_c2_incident_gets_the_first_response(grid) -> None:  # type: ignore[no-untyped-def]
    first = suggest(grid, "C2", 0)
    assert first.which == "first"
    assert first.responses == ("Teacher or pastoral detention",)
    assert first.sentence() == "First C2 incident for this pupil: the grid suggests"


def test_a_second_c2_incident_gets_the_second_response(grid) -> None:  # type: ignore[no-untyped-def]
    second = suggest(grid, "C2", 1)
    assert second.which == "second"
    assert "Blocked from using the system for 1 week" in second.responses
    assert "1 earlier C2 incident" in second.sentence()
    assert suggest(grid, "C2", 3).which == "second"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[category]]\ncode = 'C1'\nfirst = ['a']\n", "needs first and second"),
        (
            "[[category]]\ncode = 'C1'\nfirst = ['a']\nsecond = ['b']\ncolour = 'red'\n",
            "unknown key 'colour'",
        ),
        ("", "no categories"),
        ("[[category]\n", "not valid TOML"),
    ],
)
def test_a_broken_grid_is_refused(text: str, message: str) -> None:
    with pytest.raises(MisuseGridError, match=message):
        load_misuse_grid(text)
