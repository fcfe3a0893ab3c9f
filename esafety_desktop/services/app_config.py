"""Which school database this PC opens, remembered between runs (a path, nothing secret)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from esafety_desktop import APP_NAME


def config_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.json"


@dataclass
class AppConfig:
    database: Path | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> AppConfig:
        try:
            raw = json.loads((path or config_file()).read_text(encoding="utf-8"))
            database = raw.get("database")
            return cls(database=Path(database) if database else None)
        except (OSError, ValueError, AttributeError):
            return cls()

    def save(self, path: Path | None = None) -> None:
        from esafety_desktop.storage.files import write_atomically

        target = path or config_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        document = {"database": str(self.database) if self.database else None}
        write_atomically(target, json.dumps(document, indent=2).encode("utf-8"))
