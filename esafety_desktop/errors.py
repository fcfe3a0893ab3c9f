"""Problems caused by the environment, told to the user in plain English.

Anything raised as a :class:`ProblemForUser` is not a bug: a wrong password, a missing key file,
a full disk. The command line prints it as a sentence and exits non-zero; the window (later) shows
it in a dialog. Every other exception is a bug and gets the crash handler.
"""

from __future__ import annotations


class ProblemForUser(Exception):
    """An error a school business manager can act on: what happened, then what to do."""

    def __init__(self, what: str, advice: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.advice = advice

    def __str__(self) -> str:
        return f"{self.what} {self.advice}".strip()


class WrongPassword(ProblemForUser):
    def __init__(self, account: str) -> None:
        super().__init__(
            f"Wrong password for {account}.",
            "Check Caps Lock and try again. Nothing has been changed.",
        )


class UnknownAccount(ProblemForUser):
    def __init__(self, account: str, known: list[str]) -> None:
        names = ", ".join(known) if known else "none"
        super().__init__(
            f"There is no account called {account!r} in this school database.",
            f"The accounts are: {names}.",
        )


class WrongRecoveryKey(ProblemForUser):
    def __init__(self, reason: str) -> None:
        super().__init__(
            reason,
            "Type it exactly as printed on the recovery sheet; spaces and dashes do not matter.",
        )


class KeyringUnavailable(ProblemForUser):
    """There is no secure password store at all (not merely a locked one)."""

    def __init__(self, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            "This computer has no secure password store (system keyring) that eSafety Desktop "
            f"can use{extra}.",
            "On Windows this is Credential Manager; on Linux sign in to a desktop session that "
            "has a keyring (GNOME Keyring or KWallet). A PC that cannot have one can be set up "
            "with passwords alone: the setup wizard offers that choice on its first page, and "
            "the choice is recorded in the audit log.",
        )


class KeyringIsLocked(ProblemForUser):
    """There is a keyring, but it is locked: it needs unlocking, not replacing."""

    def __init__(self, detail: str = "", *, unattended: bool = False) -> None:
        extra = f" ({detail})" if detail else ""
        advice = (
            "A command run by itself (a scheduled backup) cannot unlock it and does not wait "
            "for anyone to: run it while this user is signed in to the desktop with the "
            "keyring unlocked, or make the backup in the app (Settings, Backups). "
            "Nothing was changed."
            if unattended
            else "Unlock it, then try again: sign in to the desktop session as this user (the "
            "login keyring opens with your computer password), or unlock the Login keyring in "
            "Passwords and Keys or KWallet. Nothing was changed."
        )
        super().__init__(
            "The system keyring on this computer is locked, so eSafety Desktop cannot read "
            f"this computer's secret{extra}.",
            advice,
        )


class DeviceSecretMissing(ProblemForUser):
    def __init__(self) -> None:
        super().__init__(
            "This school database was set up on another computer or Windows profile, so this "
            "computer does not hold its device secret and passwords alone cannot open it.",
            "Use the recovery key from the printed recovery sheet to open it here; you will then "
            "choose a new password for this computer.",
        )


class KeyFileProblem(ProblemForUser):
    """The key-slot file beside the database is missing, damaged or belongs elsewhere."""


class KeyFileAltered(KeyFileProblem):
    """The key file does not check against its signed roster: it was changed outside the app."""

    def __init__(self, file_name: str, found: str) -> None:
        super().__init__(
            f"The key file {file_name} was altered outside eSafety Desktop: {found} "
            "Nobody can sign in with it as it is.",
            "Restore the key file from the newest backup, and tell your headteacher or chair "
            "of governors: someone may have tried to change who can open the school's records.",
        )


class DatabaseOlderThanLastUsed(KeyFileProblem):
    """The database and key file are an older pair than the one last used on this PC."""


class DatabaseDamaged(ProblemForUser):
    """The database file failed a check: it is never written to after that."""


class NotOurDatabase(ProblemForUser):
    """The file is not an eSafety Desktop database."""


class DatabaseExists(ProblemForUser):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"There is already a file at {path}.",
            "eSafety Desktop never overwrites an existing database. Choose another path, or "
            "move the old file somewhere safe first.",
        )


class DatabaseClosed(ProblemForUser):
    def __init__(self) -> None:
        super().__init__(
            "The school database was closed (the program was locked or signed out) before "
            "this could be done.",
            "Sign in again and do it once more.",
        )


class DatabaseBusy(ProblemForUser):
    def __init__(self) -> None:
        super().__init__(
            "The school database is busy: another program on this PC is writing to it (a "
            "backup run by Task Scheduler, the eSafety Desktop command line, or the program "
            "open for another signed-in Windows user).",
            "Nothing was changed. Wait a minute and try again; if it stays busy, close the "
            "other program.",
        )


class DiskFull(ProblemForUser):
    def __init__(self) -> None:
        super().__init__(
            "The disk is full, so the change could not be saved. Nothing was lost: the database "
            "is as it was before the change.",
            "Free some space (empty the recycle bin, move large files) and try again.",
        )


class ReadOnlyLocation(ProblemForUser):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"eSafety Desktop cannot write to {path}.",
            "Check the folder is not read-only and that you have permission to change it.",
        )


class NewerDatabase(ProblemForUser):
    def __init__(self) -> None:
        super().__init__(
            "This school database was made by a newer version of eSafety Desktop.",
            "Install the newest version of eSafety Desktop to open it. It has not been changed.",
        )


class NotAllowed(ProblemForUser):
    def __init__(self, role_label: str, action: str) -> None:
        super().__init__(
            f"A {role_label} account cannot {action}.",
            "Ask the Designated Safeguarding Lead to do this.",
        )


class InvalidInput(ProblemForUser):
    """A value typed by the user was refused, with the reason."""


class WorkStopped(ProblemForUser):
    """Work that stopped early, at a safe point, because the program was locked."""

    def __init__(self, what: str) -> None:
        super().__init__(what, "Nothing was half-done; it will be done at the next chance.")
