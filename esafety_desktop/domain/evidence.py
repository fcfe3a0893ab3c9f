"""What may be kept as evidence. For nudes and indecent images, never an image: the policies
say the imagery must not be viewed, copied or saved; it is described instead."""

from __future__ import annotations

import re
from enum import StrEnum

NO_IMAGE_TYPES = frozenset({"nudes", "iioc"})

_IMAGE_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",  # BMP
    b"II*\x00",  # TIFF
    b"MM\x00*",
)
_IMAGE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
    ".webp",
    ".heic",
    ".heif",
    ".avif",
    ".mp4",
    ".mov",
    ".avi",
    ".webm",
)


class EvidenceKind(StrEnum):
    URL = "url"
    DEVICE = "device"
    DESCRIPTION = "description"
    SCREENSHOT = "screenshot"

    @property
    def label(self) -> str:
        return {
            EvidenceKind.URL: "Web address",
            EvidenceKind.DEVICE: "Device held",
            EvidenceKind.DESCRIPTION: "Description",
            EvidenceKind.SCREENSHOT: "Screenshot",
        }[self]


def looks_like_image(data: bytes, file_name: str) -> bool:
    """An image or video, by its first bytes or its name."""
    if data.startswith(_IMAGE_SIGNATURES):
        return True
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return True
    if data[4:8] == b"ftyp":  # HEIC, AVIF, MP4, MOV
        return True
    return file_name.lower().endswith(_IMAGE_SUFFIXES)


def image_refusal(incident_type: str | None) -> str | None:
    """Why no image may be attached to this kind of case, or None when one may."""
    if incident_type in NO_IMAGE_TYPES:
        return (
            "No image can be kept for nudes or indecent-image cases: the imagery must not be "
            "viewed, copied or saved. Describe what was reported instead, and keep the device "
            "secure for the police."
        )
    return None


# "(file NAME, SHA-256 <64 hex digits>)", as an evidence line and its chronology entry say it.
_FILE_AND_FINGERPRINT = re.compile(r"\(file (?P<name>.*?), SHA-256 [0-9a-fA-F]{64}\)")


def names_a_file(text: str) -> bool:
    """Whether an evidence line says a file was kept with it."""
    return _FILE_AND_FINGERPRINT.search(text) is not None


def for_the_screen(text: str) -> str:
    """An evidence line or chronology text as the screen shows it: "(file NAME, SHA-256 …)"
    becomes "(file NAME)". The fingerprint is for the printed record, which keeps it."""
    return _FILE_AND_FINGERPRINT.sub(lambda found: f"(file {found['name']})", text)
