"""The people table and its filters: kind, year, class, flags and search as you type."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel

from esafety_desktop.domain.mis_import import YEAR_GROUP_LABELS, YEAR_GROUPS
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.services.people import PersonRow
from esafety_desktop.ui.models import RecordTableModel, SortingInSource

FLAGS = {"send": "SEND", "eal": "EAL", "looked_after": "Looked after"}


def _status(row: PersonRow) -> str:
    if row.left:
        return "Left"
    if row.possible_leaver:
        return "Possible leaver"
    return "On roll" if row.kind is PersonKind.PUPIL else "Current"


def _year_key(row: PersonRow) -> int:
    return YEAR_GROUPS.index(row.year_group) if row.year_group in YEAR_GROUPS else 99


def people_model(pupil_word: str) -> RecordTableModel[PersonRow]:
    return RecordTableModel[PersonRow](
        [
            ("Name", lambda r: r.name, lambda r: (r.surname.lower(), r.forename.lower())),
            ("Type", lambda r: r.kind.label(pupil_word), lambda r: r.kind.value),
            (
                "Year",
                lambda r: YEAR_GROUP_LABELS.get(r.year_group or "", ""),
                _year_key,
            ),
            ("Class", lambda r: r.class_name or "", lambda r: r.class_name or ""),
            (
                "Flags",
                lambda r: ", ".join(label for key, label in FLAGS.items() if getattr(r, key)),
                lambda r: 4 * r.looked_after + 2 * r.send + r.eal,
            ),
            ("Status", _status, _status),
            ("Role or organisation", lambda r: r.detail, lambda r: r.detail.lower()),
        ]
    )


class PeopleFilter(SortingInSource):
    """Filters kept as plain attributes; :meth:`apply` re-filters once after changes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kind: PersonKind | None = None
        self.year: str | None = None
        self.class_name: str | None = None
        self.needs: set[str] = set()
        self.show_left = False
        self.only_possible_leavers = False
        self._words: list[str] = []
        self._haystacks: dict[int, str] = {}

    def set_search(self, text: str) -> None:
        self._words = text.lower().split()

    def source_reset(self, rows: list[PersonRow]) -> None:
        """Precompute each row's searchable text once, so typing stays instant."""
        self._haystacks = {
            r.id: " ".join(filter(None, (r.name, r.upn, r.mis_id, r.class_name, r.detail))).lower()
            for r in rows
        }

    def apply(self) -> None:
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        assert isinstance(model, RecordTableModel)
        row: PersonRow = model.row_at(source_row)
        if row.left and not self.show_left:
            return False
        if self.kind is not None and row.kind is not self.kind:
            return False
        if self.year is not None and row.year_group != self.year:
            return False
        if self.class_name is not None and row.class_name != self.class_name:
            return False
        if self.only_possible_leavers and not row.possible_leaver:
            return False
        if any(not getattr(row, need) for need in self.needs):
            return False
        if self._words:
            haystack = self._haystacks.get(row.id, "")
            return all(word in haystack for word in self._words)
        return True
