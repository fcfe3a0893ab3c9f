"""The school's flowchart, read once from the resources."""

from __future__ import annotations

from functools import cache

from esafety_desktop.domain.flowchart import Flowchart, load_flowchart
from esafety_desktop.paths import resources_dir


@cache
def shipped_flowchart() -> Flowchart:
    text = (resources_dir() / "flowcharts" / "online_safety.toml").read_text(encoding="utf-8")
    return load_flowchart(text)
