"""Import from the MIS: choose the file, check the columns, see every problem, then import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from esafety_desktop.domain.mis_import import (
    PUPIL_FIELDS,
    FileProblem,
    RowProblem,
    Table,
    counted,
)
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.people_import import (
    ImportPlan,
    ImportSummary,
    apply_import,
    open_table,
    plan_import,
    read_export_file,
)
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.background import run_in_background
from esafety_desktop.ui.look import ERROR_STYLE
from esafety_desktop.ui.models import RecordTableModel
from esafety_desktop.ui.sizing import fit_to_screen

NOT_IN_FILE = "(not in the file)"


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setTitle("Choose the export from your MIS")
        self.setSubTitle(
            "A CSV file of pupils from SIMS, Arbor, Bromcom or another MIS. Nothing changes "
            "until you have seen what the import will do."
        )
        self._wizard = wizard
        self.path = QLineEdit()
        self.path.setAccessibleName("File")
        self.browse = QPushButton("&Choose…")
        self.full_roll = QCheckBox(
            "This file lists &every pupil on roll (pupils missing from it will be shown as "
            "possible leavers for you to confirm)"
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.full_roll)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.browse.clicked.connect(self._browse)
        self.path.textChanged.connect(self.completeChanged)
        self._reading = False
        self._opened: tuple[Path, tuple[Table, dict[str, int | None]]] | None = None

    def _browse(self) -> None:
        chosen = dialogs.open_file_name(
            self, "Choose the pupil export", str(Path.home()), "CSV files (*.csv *.txt)"
        )
        if chosen:
            self.path.setText(chosen)

    def isComplete(self) -> bool:  # Qt names it
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:  # Qt names it
        """The file is read and checked on the worker (a 20 MB export takes a while); Next
        goes on by itself once it has been."""
        path = Path(self.path.text().strip())
        if self._opened is not None and self._opened[0] == path:
            _path, (table, mapping) = self._opened
            self._opened = None
            self._wizard.table, self._wizard.mapping = table, mapping
            self._wizard.file_name = path.name
            self._wizard.full_roll = self.full_roll.isChecked()
            return True
        if self._reading:
            return False
        self._reading = True
        self.message.setText("Reading the file…")
        run_in_background(
            lambda: read_and_open(path),
            lambda opened: self._read(path, opened),
            self._not_read,
            owner=self,
        )
        return False

    def _read(self, path: Path, opened: tuple[Table, dict[str, int | None]]) -> None:
        self._reading = False
        self.message.setText("")
        self._opened = (path, opened)
        self._wizard.next()

    def _not_read(self, exc: BaseException) -> None:
        self._reading = False
        if not isinstance(exc, FileProblem):
            raise exc
        self.message.setText(str(exc))


def read_and_open(path: Path) -> tuple[Table, dict[str, int | None]]:
    """Read the export (its size checked first) and suggest which column is which."""
    return open_table(read_export_file(path))


class ColumnsPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setTitle("Which column is which")
        self.setSubTitle(
            "eSafety Desktop guessed from the headings. Correct any that are wrong; the first "
            "value in the file is shown beside each."
        )
        self._wizard = wizard
        self.boxes: dict[str, QComboBox] = {}
        self.samples: dict[str, QLabel] = {}
        self.form = QFormLayout()
        for f in PUPIL_FIELDS:
            box = QComboBox()
            box.setAccessibleName(f.label)
            box.setObjectName(f"column_{f.key}")
            sample = QLabel()
            sample.setStyleSheet("color: grey")
            row = QHBoxLayout()
            row.addWidget(box, 1)
            row.addWidget(sample, 1)
            self.form.addRow(f.label + (" *" if f.required else ""), row)
            self.boxes[f.key], self.samples[f.key] = box, sample
            box.setProperty("field_key", f.key)
            box.currentIndexChanged.connect(self._box_changed)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)

    def initializePage(self) -> None:  # Qt names it
        table = self._wizard.table
        assert table is not None
        for key, box in self.boxes.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(NOT_IN_FILE, None)
            for index, heading in enumerate(table.headings):
                box.addItem(heading or f"(column {index + 1})", index)
            chosen = self._wizard.mapping.get(key)
            box.setCurrentIndex(0 if chosen is None else chosen + 1)
            box.blockSignals(False)
            self._sample(key)

    def _box_changed(self, _index: int) -> None:
        # The box says which field it is: a bound method, never a lambda holding the page.
        box = self.sender()
        if box is not None:
            self._sample(str(box.property("field_key")))

    def _sample(self, key: str) -> None:
        table = self._wizard.table
        column = self.boxes[key].currentData()
        value = ""
        if table is not None and column is not None and table.rows:
            cells = table.rows[0][1]
            value = cells[column] if column < len(cells) else ""
        self.samples[key].setText(f"e.g. {value}" if value else "")

    def mapping(self) -> dict[str, int | None]:
        return {key: box.currentData() for key, box in self.boxes.items()}

    def validatePage(self) -> bool:  # Qt names it
        table = self._wizard.table
        assert table is not None
        try:
            plan = plan_import(
                self._wizard.signed_in,
                table,
                self.mapping(),
                file_name=self._wizard.file_name,
                full_roll=self._wizard.full_roll,
            )
        except FileProblem as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText("")
        self._wizard.plan = plan
        return True


class CheckPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setTitle("What the import will do")
        self._wizard = wizard
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.problems_model: RecordTableModel[RowProblem] = RecordTableModel[RowProblem](
            [
                ("Row", lambda p: str(p.row), lambda p: p.row),
                ("Pupil", lambda p: p.pupil, lambda p: p.pupil),
                ("Problem", lambda p: p.reason, lambda p: p.reason),
            ]
        )
        self.problems = QTableView()
        self.problems.setObjectName("problemsTable")
        self.problems.setModel(self.problems_model)
        self.problems.verticalHeader().hide()
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for column in (0, 1):
            self.problems.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.skip = QCheckBox()
        self.skip.toggled.connect(self.completeChanged)
        self.leavers = QLabel()
        self.leavers.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.skip)
        layout.addWidget(self.leavers)

    def initializePage(self) -> None:  # Qt names it
        plan = self._wizard.plan
        assert plan is not None
        bad = plan.rows_with_problems
        self.summary.setText(
            f"{counted(len(plan.records), 'pupil')} ready: {plan.new} new, {plan.updated} to "
            f"update, {plan.unchanged} unchanged."
            + (
                f" <b>{counted(len(bad), 'row')} with problems</b>: nothing will be imported "
                "until the file is corrected or you choose to skip "
                f"{'it' if len(bad) == 1 else 'them'}."
                if bad
                else " Every row is sound."
            )
        )
        self.notes.setText("\n".join(plan.notes))
        self.notes.setVisible(bool(plan.notes))
        self.problems_model.set_rows(plan.problems)
        self.problems.setVisible(bool(bad))
        self.skip.setText(
            f"&Skip the {counted(len(bad), 'row')} with problems and import the rest"
            if len(bad) != 1
            else "&Skip the row with a problem and import the rest"
        )
        self.skip.setChecked(False)
        self.skip.setVisible(bool(bad))
        if plan.possible_leavers:
            names = ", ".join(plan.possible_leavers[:8])
            more = (
                f" and {len(plan.possible_leavers) - 8} more"
                if len(plan.possible_leavers) > 8
                else ""
            )
            self.leavers.setText(
                f"{counted(len(plan.possible_leavers), 'pupil')} on roll "
                f"{'is' if len(plan.possible_leavers) == 1 else 'are'} not in this file and "
                f"will be shown as possible leavers for you to confirm: {names}{more}."
            )
        else:
            self.leavers.setText("")

    def isComplete(self) -> bool:  # Qt names it
        plan = self._wizard.plan
        return plan is not None and (plan.clean or self.skip.isChecked()) and bool(plan.records)


class _Progress(QObject):
    step = Signal(int, int)


class ImportPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setTitle("Importing")
        self._wizard = wizard
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Import progress")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setObjectName("importResult")
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.summary: ImportSummary | None = None
        self.running = False
        self._progress = _Progress(self)
        self._progress.step.connect(self._step)

    def initializePage(self) -> None:  # Qt names it
        plan = self._wizard.plan
        assert plan is not None
        self.setFinalPage(True)
        self.summary = None
        self.running = True
        self.setTitle("Importing")
        self.bar.setRange(0, max(len(plan.records), 1))
        self.bar.setValue(0)
        self.result.setText("Importing in one step: if anything goes wrong, nothing changes.")
        signed_in, skip = self._wizard.signed_in, set(plan.rows_with_problems)
        progress = self._progress.step.emit

        def work() -> ImportSummary:
            return apply_import(signed_in, plan, skip_rows=skip, progress=progress)

        run_in_background(work, self._done, self._failed, owner=self)

    def _step(self, done: int, total: int) -> None:
        self.bar.setMaximum(total)
        self.bar.setValue(done)

    def _done(self, summary: ImportSummary) -> None:
        self.setTitle("Import finished")
        self.running = False
        self.summary = summary
        self.bar.setValue(self.bar.maximum())
        text = summary.sentence()
        if summary.possible_leavers:
            text += " Tick 'Possible leavers' on the People page to confirm them."
        self.result.setText(text)
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.setTitle("Nothing was imported")
        self.running = False
        if not isinstance(exc, ProblemForUser):
            raise exc
        self.result.setText(f"Nothing was imported. {exc}")
        self.result.setStyleSheet(ERROR_STYLE)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # Qt names it
        return not self.running


class ImportWizard(QWizard):
    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import pupils from the MIS")
        self.setObjectName("importWizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.signed_in = signed_in
        self.table: Table | None = None
        self.mapping: dict[str, int | None] = {}
        self.file_name = ""
        self.full_roll = False
        self.plan: ImportPlan | None = None
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.check_page = CheckPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.columns_page, self.check_page, self.import_page):
            self.addPage(page)
        self.check_page.setCommitPage(True)
        self.check_page.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        fit_to_screen(self, 820, 640)

    def done(self, result: int) -> None:
        if self.import_page.running:
            return  # the import finishes (or fails whole) before the window can close
        super().done(result)
