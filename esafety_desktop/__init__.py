"""eSafety Desktop: the online-safety log and AUP register for a school's DSL."""

from importlib import metadata

APP_NAME = "eSafety Desktop"

try:
    __version__ = metadata.version("esafety-desktop")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
