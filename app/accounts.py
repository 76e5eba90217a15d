"""Editor accounts: users, roles, per-locale rights, password hashes and login throttling. No Flask.

Roles: a translator edits their locales; a reviewer also approves there; an admin edits and approves every
locale (and manages users with `flask --app app users`). Passwords are hashed with scrypt (werkzeug).
Failed sign-ins are counted in the database, so the throttle holds across gunicorn workers and servers:
per (address, name) and per name, with growing delays, never per address alone (behind a reverse proxy
every visitor may share one address). An attempt is recorded as a failure in the same transaction that
counts the earlier ones, before the password is checked, so parallel guesses cannot overrun the limit.
"""
from __future__ import annotations

import hashlib
import math
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from .db import borrowed, transaction

ROLES = ("translator", "reviewer", "admin")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
MIN_PASSWORD_LENGTH = 10
HASH_METHOD = "scrypt"
# Throttling: after FREE failures (within FAILURE_MEMORY) for a key, each further attempt waits FIRST_DELAY
# after the last failure, doubled per failure, at most MAX_DELAY. Keys: the name from one address (a person
# mistyping, or one guesser), and the name from every address together (guessing from many addresses).
FAILURE_MEMORY = 24 * 3600
FREE_FAILURES_PER_ADDRESS_AND_NAME = 5
FREE_FAILURES_PER_NAME = 20
FIRST_DELAY = 30
MAX_DELAY = 15 * 60
# Checked when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anybody", method=HASH_METHOD)


class AccountError(ValueError):
    """A request the accounts cannot carry out (bad name, role, locale or password; unknown user)."""


class Throttled(Exception):
    def __init__(self, retry_after: int):
        wait = f"{retry_after} seconds" if retry_after < 120 else f"{math.ceil(retry_after / 60)} minutes"
        super().__init__(f"Too many failed sign-ins for this name: try again in {wait}.")
        self.retry_after = retry_after


def delay_after(failures: int, free: int) -> float:
    """Seconds an attempt must wait after the last of `failures` recent failures (0 while within `free`)."""
    if failures < free:
        return 0.0
    return float(min(MAX_DELAY, FIRST_DELAY * 2 ** min(failures - free, 16)))


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
    """The accounts in the database at `db_path`; with `connection` (the web request's), every call uses it,
    else each call opens and closes its own (the CLI, tests)."""

    def __init__(self, db_path: Path, known_locales=(), connection: sqlite3.Connection | None = None):
        self.db_path = Path(db_path)
        self.known_locales = tuple(known_locales)
        self.connection = connection

    def _db(self):
        return borrowed(self.db_path, self.connection)

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
        with self._db() as db, transaction(db, immediate=True):
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"user {name!r} exists")
            db.execute("INSERT INTO users (name, password_hash, role, locales, created) VALUES (?, ?, ?, ?, ?)",
                       (name, password_hash, role, " ".join(locales), time.time()))
        return User(name, role, locales, _stamp(password_hash))

    def set_password(self, name: str, password: str) -> None:
        self._check(password=password)
        password_hash = generate_password_hash(password, method=HASH_METHOD)
        with self._db() as db:
            if not db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name)).rowcount:
                raise AccountError(f"no user {name!r}")

    def set_rights(self, name: str, role: str, locales) -> None:
        locales = tuple(dict.fromkeys(locales))
        self._check(role, locales)
        with self._db() as db:
            if not db.execute("UPDATE users SET role = ?, locales = ? WHERE name = ?",
                              (role, " ".join(locales), name)).rowcount:
                raise AccountError(f"no user {name!r}")

    def audit(self, actor: str, action: str, target: str, detail: str = "") -> None:
        """Record a change to accounts made in the browser (who, what, to whom); never a password."""
        with self._db() as db:
            db.execute("INSERT INTO account_audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                       (time.time(), actor, action, target, detail))

    def audit_trail(self, limit: int = 50) -> list[dict]:
        with self._db() as db:
            return [dict(row) for row in db.execute("SELECT * FROM account_audit ORDER BY id DESC LIMIT ?", (limit,))]

    def sign_out(self, name: str) -> None:
        """End every session of `name` (the session cookie is signed, not stored: a copy of it stays valid
        until the stamp it carries changes)."""
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO signouts (name, at) VALUES (?, ?)", (name, time.time()))

    def remove(self, name: str) -> None:
        with self._db() as db:
            if not db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise AccountError(f"no user {name!r}")

    def get(self, name: str) -> User | None:
        with self._db() as db:
            row = db.execute(_USER_ROW, (name,)).fetchone()
        return None if row is None else self._user(row)

    def all(self) -> list[User]:
        with self._db() as db:
            return [self._user(row) for row in db.execute(
                "SELECT users.*, signouts.at AS signed_out FROM users LEFT JOIN signouts USING (name) ORDER BY name")]

    @staticmethod
    def _user(row) -> User:
        return User(row["name"], row["role"], tuple(row["locales"].split()),
                    _stamp(row["password_hash"], row["signed_out"]))

    def authenticate(self, name: str, password: str, address: str) -> User | None:
        """The user, if the password is right; None if not. Raises Throttled (without checking anything)
        while this name, from this address or from all of them, must wait after its recent failures."""
        if not NAME_RE.match(name):  # no account can have it: nothing to guess, nothing to record
            check_password_hash(_DUMMY_HASH, password)  # as long as any other wrong answer
            return None
        pair = f"pair:{address} {name}"
        keys = {f"user:{name}": FREE_FAILURES_PER_NAME, pair: FREE_FAILURES_PER_ADDRESS_AND_NAME}
        now = time.time()
        with self._db() as db:
            with transaction(db, immediate=True):  # count and record together: no parallel guess slips past
                db.execute("DELETE FROM login_failures WHERE at < ?", (now - FAILURE_MEMORY,))
                for key, free in keys.items():
                    count, last = db.execute("SELECT COUNT(*), MAX(at) FROM login_failures WHERE key = ?",
                                             (key,)).fetchone()
                    wait = (last or 0) + delay_after(count, free) - now
                    if wait > 0:
                        raise Throttled(math.ceil(wait))
                attempt = [db.execute("INSERT INTO login_failures (key, at) VALUES (?, ?)", (key, now)).lastrowid
                           for key in keys]
            row = db.execute(_USER_ROW, (name,)).fetchone()
            if row is None:
                check_password_hash(_DUMMY_HASH, password)
                return None
            if not check_password_hash(row["password_hash"], password):
                return None  # the attempt stays recorded as a failure
            with transaction(db):
                db.executemany("DELETE FROM login_failures WHERE rowid = ?", [(rowid,) for rowid in attempt])
                db.execute("DELETE FROM login_failures WHERE key = ?", (pair,))
            return self._user(row)
