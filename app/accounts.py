"""Editor accounts: users, roles, per-locale rights, password hashes and login throttling. No Flask.

Roles: a translator edits their locales; a reviewer also approves there; an admin edits and approves every
locale (and manages users with `flask --app app users`). Passwords are hashed with scrypt (werkzeug).
Failed logins are counted in the database, so the limit holds across gunicorn workers and servers.
"""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from .db import connect

ROLES = ("translator", "reviewer", "admin")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
MIN_PASSWORD_LENGTH = 10
HASH_METHOD = "scrypt"
# Throttling: this many failures within the window locks the name (or the address, for guessing many names).
FAILURE_WINDOW = 15 * 60
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20
# Checked when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anybody", method=HASH_METHOD)


class AccountError(ValueError):
    """A request the accounts cannot carry out (bad name, role, locale or password; unknown user)."""


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"too many failed sign-ins: try again in {retry_after // 60 + 1} minutes")
        self.retry_after = retry_after


@dataclass(frozen=True)
class User:
    name: str
    role: str
    locales: tuple[str, ...]
    stamp: str  # changes when the password does: a session carrying an old stamp is no longer valid

    def can_edit(self, locale: str) -> bool:
        return self.role == "admin" or locale in self.locales

    def can_review(self, locale: str) -> bool:
        return self.can_edit(locale) and self.role in ("reviewer", "admin")


def _stamp(password_hash: str, signed_out: float | None = None) -> str:
    return hashlib.sha256(f"{password_hash} {signed_out}".encode()).hexdigest()[:16]


# A user's row with the time they last signed out (NULL if never): both make the session stamp.
_USER_ROW = "SELECT users.*, signouts.at AS signed_out FROM users LEFT JOIN signouts USING (name) WHERE name = ?"


class Accounts:
    def __init__(self, db_path: Path, known_locales=()):
        self.db_path = Path(db_path)
        self.known_locales = tuple(known_locales)

    def _check(self, role: str | None = None, locales=None, password: str | None = None) -> None:
        if role is not None and role not in ROLES:
            raise AccountError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
        for locale in locales or ():
            if self.known_locales and locale not in self.known_locales:
                raise AccountError(f"unknown locale {locale!r}: one of {', '.join(self.known_locales)}")
        if password is not None and len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")

    def add(self, name: str, password: str, role: str, locales) -> User:
        if not NAME_RE.match(name):
            raise AccountError("a name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        locales = tuple(dict.fromkeys(locales))
        self._check(role, locales, password)
        password_hash = generate_password_hash(password, method=HASH_METHOD)
        with connect(self.db_path) as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"user {name!r} exists")
            db.execute("INSERT INTO users (name, password_hash, role, locales, created) VALUES (?, ?, ?, ?, ?)",
                       (name, password_hash, role, " ".join(locales), time.time()))
        return User(name, role, locales, _stamp(password_hash))

    def set_password(self, name: str, password: str) -> None:
        self._check(password=password)
        password_hash = generate_password_hash(password, method=HASH_METHOD)
        with connect(self.db_path) as db:
            if not db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name)).rowcount:
                raise AccountError(f"no user {name!r}")

    def set_rights(self, name: str, role: str, locales) -> None:
        locales = tuple(dict.fromkeys(locales))
        self._check(role, locales)
        with connect(self.db_path) as db:
            if not db.execute("UPDATE users SET role = ?, locales = ? WHERE name = ?",
                              (role, " ".join(locales), name)).rowcount:
                raise AccountError(f"no user {name!r}")

    def audit(self, actor: str, action: str, target: str, detail: str = "") -> None:
        """Record a change to accounts made in the browser (who, what, to whom); never a password."""
        with connect(self.db_path) as db:
            db.execute("INSERT INTO account_audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                       (time.time(), actor, action, target, detail))

    def audit_trail(self, limit: int = 50) -> list[dict]:
        with connect(self.db_path) as db:
            return [dict(row) for row in db.execute("SELECT * FROM account_audit ORDER BY id DESC LIMIT ?", (limit,))]

    def sign_out(self, name: str) -> None:
        """End every session of `name` (the session cookie is signed, not stored: a copy of it stays valid
        until the stamp it carries changes)."""
        with connect(self.db_path) as db:
            db.execute("INSERT OR REPLACE INTO signouts (name, at) VALUES (?, ?)", (name, time.time()))

    def remove(self, name: str) -> None:
        with connect(self.db_path) as db:
            if not db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise AccountError(f"no user {name!r}")

    def get(self, name: str) -> User | None:
        with connect(self.db_path) as db:
            row = db.execute(_USER_ROW, (name,)).fetchone()
        return None if row is None else self._user(row)

    def all(self) -> list[User]:
        with connect(self.db_path) as db:
            return [self._user(row) for row in db.execute(
                "SELECT users.*, signouts.at AS signed_out FROM users LEFT JOIN signouts USING (name) ORDER BY name")]

    @staticmethod
    def _user(row) -> User:
        return User(row["name"], row["role"], tuple(row["locales"].split()),
                    _stamp(row["password_hash"], row["signed_out"]))

    def authenticate(self, name: str, password: str, address: str) -> User | None:
        """The user, if the password is right; None if not. Raises Throttled (without checking anything)
        after too many recent failures for this name or from this address."""
        keys = (f"user:{name}", f"ip:{address}")
        now = time.time()
        with connect(self.db_path) as db:
            db.execute("DELETE FROM login_failures WHERE at < ?", (now - FAILURE_WINDOW,))
            for key, limit in zip(keys, (MAX_FAILURES_PER_NAME, MAX_FAILURES_PER_ADDRESS)):
                recent = db.execute("SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = ?", (key,)).fetchone()
                if recent[0] >= limit:
                    raise Throttled(int(recent[1] + FAILURE_WINDOW - now) + 1)
            row = db.execute(_USER_ROW, (name,)).fetchone()
            if row is not None and check_password_hash(row["password_hash"], password):
                db.execute("DELETE FROM login_failures WHERE key = ?", (keys[0],))
                return self._user(row)
            if row is None:
                check_password_hash(_DUMMY_HASH, password)
            db.executemany("INSERT INTO login_failures (key, at) VALUES (?, ?)", [(key, now) for key in keys])
            return None
