"""The main window: a list of pages on the left, the page on the right, who is signed in below."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from esafety_desktop import APP_NAME
from esafety_desktop.domain.roles import Permission, can
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.dashboard import Target
from esafety_desktop.services.settings import school_settings
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.about_dialog import AboutDialog
from esafety_desktop.ui.focus import focus_first_field
from esafety_desktop.ui.operations import ChangeNews, Changes
from esafety_desktop.ui.pages.agreements import AgreementsPage
from esafety_desktop.ui.pages.audit_log import AuditLogPage
from esafety_desktop.ui.pages.dashboard import DashboardPage
from esafety_desktop.ui.pages.incidents import IncidentsPage
from esafety_desktop.ui.pages.people import PeoplePage
from esafety_desktop.ui.pages.reports import ReportsPage
from esafety_desktop.ui.pages.settings import SettingsPage
from esafety_desktop.ui.sizing import fit_to_screen


class MainWindow(QMainWindow):
    def __init__(
        self,
        signed_in: SignedIn,
        *,
        on_lock: Callable[[], None],
        on_sign_out: Callable[[], None],
        on_close: Callable[[], None],
        on_restore: Callable[[], None] | None = None,
        start_page: str | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.signed_in = signed_in
        self._on_lock = on_lock
        self._on_sign_out = on_sign_out
        self._on_close = on_close
        self._closing_quietly = False
        self.news = ChangeNews(self)
        self.news.changed.connect(self._changed)
        self._stale: set[int] = set()  # pages to refresh when next shown (by id)
        school = school_settings(signed_in).school_name
        self.setWindowTitle(f"{school} – {APP_NAME}")

        self.dashboard = DashboardPage(signed_in, self.go_to)
        self.dashboard.show_cases.connect(self.open_cases)
        self.incidents = IncidentsPage(signed_in, in_background=True)
        self.people = PeoplePage(signed_in)
        self.agreements = AgreementsPage(signed_in)
        self.reports = ReportsPage(signed_in)
        self.people.case_chosen.connect(self.open_case)
        self.audit_log = (
            AuditLogPage(signed_in)
            if can(signed_in.account.role, Permission.VIEW_AUDIT_LOG)
            else None
        )
        self.settings = SettingsPage(signed_in)
        self._on_restore = on_restore
        self.settings.backups_tab.restore_requested.connect(self._restore_requested)
        self.pages: list[QWidget] = [
            p
            for p in (
                self.dashboard,
                self.incidents,
                self.people,
                self.agreements,
                self.reports,
                self.audit_log,
                self.settings,
            )
            if p is not None
        ]
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Pages")
        self.navigation.setStyleSheet("QListWidget::item { padding: 8px 6px; }")
        self.stack = QStackedWidget()
        for page in self.pages:
            self.navigation.addItem(page.title)  # type: ignore[attr-defined]
            self.stack.addWidget(page)
        # As wide as the longest page name: every pixel counts on a laptop.
        titles = [str(page.title) for page in self.pages]  # type: ignore[attr-defined]
        widest = max(self.navigation.fontMetrics().horizontalAdvance(t) for t in titles)
        self.navigation.setFixedWidth(widest + 48)
        self.navigation.currentRowChanged.connect(self._show_row)
        self.navigation.itemClicked.connect(self._focus_page)
        self.navigation.itemActivated.connect(self._focus_page)
        central = QWidget()
        row = QHBoxLayout(central)
        row.addWidget(self.navigation)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        me = signed_in.account
        self.who = QLabel(f"Signed in as {me.display_name} ({me.role.label}) · {school}")
        self.who.setObjectName("signedInAs")
        self.statusBar().addWidget(self.who, 1)
        self.statusBar().addPermanentWidget(QLabel("Ctrl+L locks"))
        self._build_menus()
        self.show_page(start_page or DashboardPage.title)
        fit_to_screen(self, 1280, 800)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.lock_action = QAction("&Lock", self, shortcut=QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self._on_lock)
        sign_out = QAction("Sign &out", self)
        sign_out.triggered.connect(self._on_sign_out)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        for action in (self.lock_action, sign_out, quit_action):
            file_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction(f"&About {APP_NAME}", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            in_list = self.navigation.hasFocus()  # arrow keys there: the keyboard stays
            page = self.pages[row]
            self.stack.setCurrentWidget(page)
            refresh = getattr(page, "refresh", None)
            stale = id(page) in self._stale
            self._stale.discard(id(page))
            if refresh is not None and (stale or page in (self.dashboard, self.agreements)):
                refresh()  # both count what other pages change
            if self.isVisible() and not in_list:
                focus_first_field(page)

    def showEvent(self, event: QShowEvent) -> None:  # Qt names it
        super().showEvent(event)
        if not event.spontaneous():
            focus_first_field(self.stack.currentWidget())

    def _focus_page(self, _item: object = None) -> None:
        """A page chosen with a click or Enter: the keyboard goes to its first field."""
        focus_first_field(self.stack.currentWidget())

    def _changed(self, changes: Changes, origin: QWidget | None) -> None:
        """An operation changed records: the page on screen refreshes now, the others when
        next shown. The page that asked has shown its own result already."""
        for page in self.pages:
            listens = getattr(page, "listens_to", Changes.NOTHING)
            if not listens & changes or not hasattr(page, "refresh"):
                continue
            if _asked_from(page, origin):
                continue
            if page is self.stack.currentWidget():
                page.refresh()
            else:
                self._stale.add(id(page))

    def show_page(self, title: str) -> QWidget:
        for row, page in enumerate(self.pages):
            if page.title == title:  # type: ignore[attr-defined]
                self.navigation.setCurrentRow(row)
                return page
        self.navigation.setCurrentRow(0)
        return self.pages[0]

    def current_page_title(self) -> str:
        return str(self.pages[self.navigation.currentRow()].title)  # type: ignore[attr-defined]

    def go_to(self, target: Target) -> None:
        """Open what a Dashboard item counts."""
        if target is Target.AUDIT_FAILED_SIGN_INS and self.audit_log is not None:
            self.show_page(AuditLogPage.title)
            self.audit_log.show_group("sign_in.failed")
        elif target is Target.VERIFY and self.audit_log is not None:
            self.show_page(AuditLogPage.title)
            self.audit_log.verify()
        elif target is Target.RECOVERY_SHEET and self.settings.security_tab is not None:
            self.show_page(SettingsPage.title)
            self.settings.show_tab(self.settings.security_tab)
            self.settings.security_tab.new_recovery_key()
        elif target is Target.CONTACTS:
            self.show_page(SettingsPage.title)
            self.settings.show_tab(self.settings.contacts_tab)
        elif target is Target.INCIDENTS:
            self.show_page(IncidentsPage.title)
        elif target is Target.TRANSFERS:
            from esafety_desktop.services.transfers import unconfirmed

            waiting = unconfirmed(self.signed_in)
            self.show_page(PeoplePage.title)
            if waiting:
                self.people.show_left.setChecked(True)
                self.people.select_person(waiting[-1].person_id)
                self.people.panel.tabs.setCurrentWidget(self.people.panel.transfer_tab)
        elif target is Target.POLICY_REVIEW:
            self.show_page(SettingsPage.title)
            self.settings.show_tab(self.settings.school_tab)
        elif target is Target.AGREEMENTS:
            self.show_page(AgreementsPage.title)
        elif target is Target.POSSIBLE_LEAVERS:
            self.show_page(PeoplePage.title)
            self.people.possible_leavers.setChecked(True)
        elif target is Target.BACKUPS:
            self.show_page(SettingsPage.title)
            self.settings.show_tab(self.settings.backups_tab)
        elif target is Target.ACCOUNTS:
            self.show_page(SettingsPage.title)
            self.settings.show_tab(self.settings.accounts_tab)

    def print_upgrade_recovery_sheet(self, recovery_key: str, need_passwords: list[str]) -> None:
        """Signing in upgraded an older school to a key for each account and made a new
        recovery key: say so, and show its sheet to print (it is never stored)."""
        if self.settings.security_tab is None:
            return
        others = (
            "\n\nThese accounts need a new password from you before they can sign in again "
            "(Settings › Accounts › Reset password), and then tell each person theirs: "
            + ", ".join(need_passwords)
            + "."
            if need_passwords
            else ""
        )
        dialogs.inform(
            self,
            "Print the school's new recovery sheet",
            "eSafety Desktop now gives each account keys of its own, so a record kept from "
            "someone cannot be opened with their password. The school has a new recovery key: "
            "print its sheet now and put it in the school safe.\n\nThe old recovery sheet "
            "opens only backups made before today; keep it with those backups, or destroy it "
            "when they are deleted." + others,
        )
        self.show_page(SettingsPage.title)
        self.settings.show_tab(self.settings.security_tab)
        self.settings.security_tab.show_sheet_for(recovery_key)

    def _restore_requested(self) -> None:
        if self._on_restore is not None:
            self._on_restore()

    def open_cases(self, kind: str, key: str) -> None:
        """The cases a Dashboard bar counts: one month's, or this school year's of a type."""
        self.show_page(IncidentsPage.title)
        self.incidents.filters.show_all()
        if kind == "month":
            self.incidents.filters.show_month(int(key[:4]), int(key[5:7]))
        else:
            self.incidents.filters.show_type_this_year(key)

    def open_case(self, incident_id: int) -> None:
        """A case chosen elsewhere (a person's Incidents tab), shown on the Incidents page."""
        self.show_page(IncidentsPage.title)
        self.incidents.filters.show_all()
        self.incidents.select(incident_id)

    def show_about(self) -> None:
        self.about = AboutDialog(self.signed_in.path, self)
        self.about.open()

    def close_quietly(self) -> None:
        """For locking and signing out: close every dialog and this window, and clear it.
        Work still finishing on the worker shows nothing more here."""
        self.news.ended = True
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                quietly = getattr(widget, "close_quietly", None)
                quietly() if quietly is not None else widget.reject()
        self._closing_quietly = True
        self.close()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt names it
        if not self._closing_quietly:
            self._on_close()
        event.accept()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # Qt names it
        if event.key() == Qt.Key.Key_F5:
            self._show_row(self.navigation.currentRow())
        super().keyPressEvent(event)


def _asked_from(page: QWidget, origin: QWidget | None) -> bool:
    """Whether ``origin`` is ``page`` or lies inside it, its dialogs included (a dialog is a
    window of its own, so Qt's ``isAncestorOf`` would say no)."""
    while origin is not None:
        if origin is page:
            return True
        origin = origin.parentWidget()
    return False
