"""One copy of the app per user: a second launch asks the first to come forward and exits."""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_WAKE = b"show\n"


def instance_name(suffix: str = "") -> str:
    user = hashlib.sha256(getpass.getuser().encode("utf-8")).hexdigest()[:12]
    return f"esafety-desktop-{user}{suffix}"


def ask_running_copy_to_show(name: str, timeout_ms: int = 500) -> bool:
    """True when another copy answered (and was asked to come forward)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(_WAKE)
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


class SingleInstance(QObject):
    """Listens for later launches; ``wake`` fires when one asks this copy to come forward."""

    wake = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(name):
            # A copy that crashed leaves its socket behind; nobody answered, so take it over.
            QLocalServer.removeServer(name)
            self._server.listen(name)
        self._server.newConnection.connect(self._on_connection)

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            # The other launch writes at once and leaves; a short wait is enough.
            if socket.bytesAvailable() or socket.waitForReadyRead(500):
                message = bytes(socket.readAll().data())
                if message.startswith(_WAKE.strip()):
                    self.wake.emit()
            socket.abort()
            socket.deleteLater()

    def close(self) -> None:
        self._server.close()
