"""What an attacker with the data key reads from the files themselves: every page of the
database and of its write-ahead log, decrypted as SQLCipher 4 stores them (AES-256-CBC per
page, the IV in each page's reserved tail), free pages and old page images included. No
SQL involved: a row "deleted" but left in a free page or an old WAL frame shows here."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80  # 16-byte IV, then a 64-byte HMAC-SHA512
SALT = 16
WAL_HEADER, FRAME_HEADER = 32, 24


def _decrypt(key: bytes, page: bytes, first: bool) -> bytes:
    body = page[SALT if first else 0 : PAGE - RESERVE]
    iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(body) + decryptor.finalize()


def decrypted_pages(database: Path, key: bytes) -> list[bytes]:
    """Every page of ``database`` and of its ``-wal`` file, decrypted."""
    pages: list[bytes] = []
    raw = database.read_bytes()
    for number in range(len(raw) // PAGE):
        pages.append(_decrypt(key, raw[number * PAGE : (number + 1) * PAGE], number == 0))
    wal = database.with_name(database.name + "-wal")
    if wal.exists():
        data = wal.read_bytes()
        offset = WAL_HEADER
        while offset + FRAME_HEADER + PAGE <= len(data):
            frame = data[offset + FRAME_HEADER : offset + FRAME_HEADER + PAGE]
            page_number = int.from_bytes(data[offset : offset + 4], "big")
            pages.append(_decrypt(key, frame, page_number == 1))
            offset += FRAME_HEADER + PAGE
    return pages


def found_in_pages(database: Path, key: bytes, *words: str) -> set[str]:
    """Which of ``words`` (UTF-8) any page holds."""
    pages = decrypted_pages(database, key)
    return {w for w in words if any(w.encode("utf-8") in p for p in pages)}
