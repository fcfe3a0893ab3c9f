"""Table models over the plain records services return. Views sit behind a proxy for sorting."""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QTableView

from esafety_desktop.domain.audit_wording import action_label, describe_details
from esafety_desktop.services.access import AccountInfo
from esafety_desktop.services.audit_log import AuditRecord

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex


def select_where(
    view: QTableView, model: RecordTableModel[Row], match: Callable[[Row], bool]
) -> bool:
    """Select the first row of ``model`` that matches, in a view that shows the model itself or
    shows it through a proxy; False when there is none, or the proxy filters it out."""
    row = model.row_where(match)
    if row is None:
        return False
    shown = model.index(row, 0)
    proxy = view.model()
    if isinstance(proxy, QSortFilterProxyModel):
        shown = proxy.mapFromSource(shown)
    if not shown.isValid():
        return False
    view.selectRow(shown.row())
    return True


class RecordTableModel(QAbstractTableModel, Generic[Row]):
    """Columns are (heading, text of a row, sort key of a row)."""

    SORT_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(
        self, columns: Sequence[tuple[str, Callable[[Row], str], Callable[[Row], Any]]]
    ) -> None:
        super().__init__()
        self._columns = list(columns)
        self._rows: list[Row] = []
        self._order: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Row], *, in_order: bool = False) -> None:
        """Show ``rows``, sorted as the view asks unless the caller says they already are
        (see ``in_order``). Nothing happens when they are the very objects already shown."""
        rows = list(rows) if in_order else self.in_order(rows)
        if len(rows) == len(self._rows) and all(map(operator.is_, rows, self._rows)):
            return  # the very same records: typing more of a word often finds the same cases
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def in_order(self, rows: Sequence[Row]) -> list[Row]:
        """``rows`` sorted as the view currently sorts this model."""
        if self._order is None:
            return list(rows)
        column, order = self._order
        return sorted(
            rows, key=self._columns[column][2], reverse=order == Qt.SortOrder.DescendingOrder
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorted in Python with each column's key: far faster than Qt asking row by row."""
        if not 0 <= column < len(self._columns):
            return
        self._order = (column, order)
        key = self._columns[column][2]
        self.layoutAboutToBeChanged.emit()
        old = self._rows
        positions = sorted(
            range(len(old)),
            key=lambda i: key(old[i]),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._rows = [old[i] for i in positions]
        new_row = {old_row: new for new, old_row in enumerate(positions)}
        before = self.persistentIndexList()
        after = [self.index(new_row[i.row()], i.column()) for i in before]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def clear(self) -> None:
        self.set_rows([])

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def replace_row(self, row: int, record: Row) -> None:
        """One record changed (a case after a note): only its row is redrawn."""
        self._rows[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))

    def row_where(self, match: Callable[[Row], bool]) -> int | None:
        """The first row that matches (checked in Python, not through Qt's indexes)."""
        return next((n for n, row in enumerate(self._rows) if match(row)), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        _, text, key = self._columns[index.column()]
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text(row)
        if role == self.SORT_ROLE:
            return key(row)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section][0]
        return None


class TickableRecordModel(RecordTableModel[Row]):
    """A tick box in the first column. Ticks are kept by each record's ``key`` (its id), so they
    follow the records when sorted; the view's delegate ticks with Space or a click on the box."""

    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[Row], str], Callable[[Row], Any]]],
        key: Callable[[Row], Hashable],
    ) -> None:
        super().__init__(columns)
        self._key = key
        self._ticked: set[Hashable] = set()

    def tick(self, keys: Iterable[Hashable]) -> None:
        """Tick these records (by key), leaving the others as they are."""
        self._ticked.update(keys)
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(self.rowCount() - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )

    def set_ticked(self, keys: Iterable[Hashable]) -> None:
        """Tick exactly these records (by key): every other tick is taken off."""
        self._ticked = set(keys)
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(self.rowCount() - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )

    def ticked(self) -> list[Row]:
        """The ticked records, in the order shown."""
        return [row for row in self._rows if self._key(row) in self._ticked]

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def _box(self, index: Index) -> Hashable | None:
        """The key of the record whose tick box ``index`` is; None where there is no box."""
        if not index.isValid() or index.column() != 0 or not 0 <= index.row() < len(self._rows):
            return None
        return self._key(self._rows[index.row()])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.CheckStateRole:
            return super().data(index, role)
        key = self._box(index)
        if key is None:
            return None
        return Qt.CheckState.Checked if key in self._ticked else Qt.CheckState.Unchecked

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        key = self._box(index)
        if role != Qt.ItemDataRole.CheckStateRole or key is None:
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._ticked.add(key)
        else:
            self._ticked.discard(key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True


def audit_model() -> RecordTableModel[AuditRecord]:
    return RecordTableModel[AuditRecord](
        [
            ("#", lambda r: str(r.sequence), lambda r: r.sequence),
            (
                "When",
                lambda r: f"{r.occurred_at.astimezone():%d/%m/%Y %H:%M:%S}",
                lambda r: r.sequence,
            ),
            ("Who", lambda r: r.actor_name, lambda r: r.actor_name.lower()),
            ("What", lambda r: action_label(r.action), lambda r: action_label(r.action)),
            (
                "Details",
                lambda r: describe_details(r.action, r.details),
                lambda r: describe_details(r.action, r.details),
            ),
        ]
    )


def account_model() -> RecordTableModel[AccountInfo]:
    return RecordTableModel[AccountInfo](
        [
            ("Name", lambda a: a.display_name, lambda a: a.display_name.lower()),
            ("Account", lambda a: a.username, lambda a: a.username),
            ("Role", lambda a: a.role.label, lambda a: a.role.label),
            (
                "Signing in",
                lambda a: "Needs a new password from you" if a.needs_password else "Ready",
                lambda a: a.needs_password,
            ),
        ]
    )


class SortingInSource(QSortFilterProxyModel):
    """A proxy that filters, and leaves sorting to the source model (see RecordTableModel)."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)
