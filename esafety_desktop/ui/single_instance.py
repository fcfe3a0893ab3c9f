"""One copy of the app per user: a second launch asks the first to come forward and exits."""

from __future__ import annotations

import getpass
import hashlib
import logging
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

_WAKE = b"show\n"


def instance_name(suffix: str = "") -> str:
    """The name this user's copy listens on. On Linux and macOS a socket in a folder only this
    user can reach (paths.private_runtime_dir), never a guessable name in /tmp that another user
    could take first. On Windows a named pipe whose name holds this logon session's id and the
    user's SID, so another session or user never shares it (and the pipe only lets this user
    in: ``UserAccessOption``)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return f"esafety-desktop-{_windows_user_and_session()}{suffix}"
    from esafety_desktop.paths import private_runtime_dir

    return str(private_runtime_dir() / f"esafety-desktop{suffix}")


def _windows_user_and_session() -> str:  # pragma: no cover - Windows only
    """``<user SID>-<session id>``, or a hash of the login name if Windows will not say."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        kernel32.LocalFree.argtypes = [ctypes.c_void_p]
        advapi32.OpenProcessToken.argtypes = [
            wintypes.HANDLE,
            wintypes.DWORD,
            ctypes.POINTER(wintypes.HANDLE),
        ]
        advapi32.GetTokenInformation.argtypes = [
            wintypes.HANDLE,
            ctypes.c_int,
            ctypes.c_void_p,
            wintypes.DWORD,
            ctypes.POINTER(wintypes.DWORD),
        ]
        advapi32.ConvertSidToStringSidW.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(wintypes.LPWSTR),
        ]
        token_query, token_user = 0x0008, 1
        session = wintypes.DWORD()
        token = wintypes.HANDLE()
        if kernel32.ProcessIdToSessionId(
            kernel32.GetCurrentProcessId(), ctypes.byref(session)
        ) and advapi32.OpenProcessToken(
            kernel32.GetCurrentProcess(), token_query, ctypes.byref(token)
        ):
            try:
                size = wintypes.DWORD()
                advapi32.GetTokenInformation(token, token_user, None, 0, ctypes.byref(size))
                buffer = ctypes.create_string_buffer(size.value)
                sid_text = wintypes.LPWSTR()
                # TOKEN_USER begins with SID_AND_ATTRIBUTES, which begins with the SID pointer.
                if advapi32.GetTokenInformation(
                    token, token_user, buffer, size, ctypes.byref(size)
                ) and advapi32.ConvertSidToStringSidW(
                    ctypes.c_void_p.from_buffer(buffer).value, ctypes.byref(sid_text)
                ):
                    try:
                        return f"{sid_text.value}-{session.value}"
                    finally:
                        kernel32.LocalFree(ctypes.cast(sid_text, ctypes.c_void_p))
            finally:
                kernel32.CloseHandle(token)
        log.warning("Windows did not give this session's id and user SID")
    return hashlib.sha256(getpass.getuser().encode("utf-8")).hexdigest()[:12]


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
