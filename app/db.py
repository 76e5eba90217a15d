"""The editor's embedded database: accounts, login failures and the audit trail, in one SQLite file.

SQLite in WAL mode with a busy timeout is safe across gunicorn workers and servers on one machine, and
needs no server: the file is created with its tables on first use.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    locales TEXT NOT NULL,          -- space-separated locale codes
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT NOT NULL,              -- "user:<name>" or "ip:<address>"
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);
CREATE TABLE IF NOT EXISTS signouts (
    name TEXT PRIMARY KEY,          -- a user who signed out: every session of theirs from before is over
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    user TEXT NOT NULL,
    locale TEXT NOT NULL,
    context TEXT,                   -- NULL: no msgctxt
    msgid TEXT NOT NULL,
    action TEXT NOT NULL,           -- save | fuzzy | approve | revert
    before TEXT NOT NULL,           -- JSON list of the msgstr forms before
    after TEXT NOT NULL,            -- JSON list of the msgstr forms after
    fuzzy INTEGER NOT NULL,         -- the entry is fuzzy after this change
    git_commit TEXT                 -- the commit recording it, when translations/ is in git
);
CREATE INDEX IF NOT EXISTS audit_entry ON audit (locale, msgid, context);
CREATE TABLE IF NOT EXISTS account_audit (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    actor TEXT NOT NULL,            -- who did it (the user themselves, for a password change)
    action TEXT NOT NULL,           -- add | remove | set-role | set-locales | change-password
    target TEXT NOT NULL,           -- the account changed
    detail TEXT NOT NULL            -- e.g. the new role and locales; never a password
);
"""


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the editor database at `path`, created (with its directory) on first use."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)  # autocommit; BEGIN where needed
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA busy_timeout=10000")
    connection.executescript(SCHEMA)
    return connection
