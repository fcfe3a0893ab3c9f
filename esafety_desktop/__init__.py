"""eSafety Desktop: the online-safety log and AUP register for a school's DSL."""

from __future__ import annotations

APP_NAME = "eSafety Desktop"


def __getattr__(name: str) -> str:
    # Read on first use: importlib.metadata costs 50 ms that the first window should not wait for.
    if name == "__version__":
        from importlib import metadata

        try:
            return metadata.version("esafety-desktop")
        except metadata.PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(name)
