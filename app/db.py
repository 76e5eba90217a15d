"""The editor's embedded database: accounts, login failures, the audit trail, suggestions awaiting review and
comments on strings, in one SQLite file.

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
CREATE TABLE IF NOT EXISTS suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a reviewer's form names the suggestion they read
    at REAL NOT NULL,
    user TEXT NOT NULL,             -- the translator who suggested it (the author once accepted)
    locale TEXT NOT NULL,
    context TEXT,                   -- NULL: no msgctxt
    msgid TEXT NOT NULL,
    base TEXT NOT NULL,             -- JSON list of the live msgstr forms it was suggested against
    strings TEXT NOT NULL,          -- JSON list of the suggested msgstr forms
    state TEXT NOT NULL,            -- open | accepted | rejected
    reviewer TEXT,                  -- who accepted or rejected it
    reviewed_at REAL,
    reason TEXT,                    -- why it was rejected, shown to the translator
    accepted TEXT,                  -- JSON list of the forms published (the reviewer may have edited them)
    git_commit TEXT                 -- the commit that published it, when translations/ is in git
);
CREATE INDEX IF NOT EXISTS suggestions_entry ON suggestions (locale, state, msgid, context);
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    user TEXT NOT NULL,
    locale TEXT NOT NULL,
    context TEXT,                   -- NULL: no msgctxt
    msgid TEXT NOT NULL,
    text TEXT NOT NULL,             -- plain text, escaped wherever shown
    about_source INTEGER NOT NULL,  -- 1: the English is unclear, a question for the developers (`check` lists it)
    resolved_by TEXT,               -- set when a reviewer marks a question about the English answered
    resolved_at REAL
);
CREATE INDEX IF NOT EXISTS comments_entry ON comments (locale, msgid, context);
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
