"""The editor's embedded database: accounts, login failures, the audit trail, suggestions awaiting review and
comments on strings, in one SQLite file.

SQLite in WAL mode with a busy timeout is safe across gunicorn workers and servers on one machine, and
needs no server. `initialize` creates the file (mode 0600: it holds password hashes and the audit trail;
SQLite gives its -wal and -shm files the same mode), switches it to WAL and creates the tables, once per
process and under a file lock, so processes starting together do not race ("database is locked" at the
journal-mode switch). `connect` opens a plain connection (the CLI, tests, accounts.py and store.py, which
have no Flask); the web layer holds one per request (`request_connection`, closed at teardown).
"""
from __future__ import annotations

import errno
import fcntl
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote

from flask import Flask, current_app, g, render_template

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    locales TEXT NOT NULL,          -- space-separated locale codes
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT NOT NULL,              -- "user:<name>" or "pair:<address> <name>" (accounts.py)
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
    git_commit TEXT,                -- the commit recording it, when translations/ is in git
    commit_note TEXT,               -- why there is no commit ("not committed: …"), for the history
    status TEXT NOT NULL DEFAULT 'done'  -- pending (reserved, file not yet replaced) | done | failed
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
CREATE TABLE IF NOT EXISTS account_audit (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    actor TEXT NOT NULL,            -- who did it (the user themselves, for a password change)
    action TEXT NOT NULL,           -- add | remove | set-role | set-locales | change-password
    target TEXT NOT NULL,           -- the account changed
    detail TEXT NOT NULL            -- e.g. the new role and locales; never a password
);
"""
BUSY_TIMEOUT = 5.0  # seconds a statement waits for another connection's write lock before "database is locked"
LOCK_TIMEOUT = 10.0  # seconds to wait for another process creating the database
PRIVATE = 0o600
_initialized: set[Path] = set()  # per process (inherited by forked workers)


class DatabaseError(RuntimeError):
    """The database file cannot be used safely (a symlink or not a regular file in its place)."""


def _open_private(path: Path) -> int:
    """A descriptor of the regular file `path`, created 0600 if missing; a symlink is never followed."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, PRIVATE)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise DatabaseError(f"{path.name} is a symbolic link: refused") from err
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise DatabaseError(f"{path.name} is not a regular file: refused")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.fchmod(fd, PRIVATE)  # a database created by an older version was 0644
    return fd


def _set_wal(connection: sqlite3.Connection, attempts: int = 20) -> None:
    """Switch to WAL (kept in the file: once is enough), retrying while another process's connection holds
    a lock (the switch can fail at once instead of waiting for the busy timeout)."""
    for attempt in range(attempts):
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


def _lock(fd: int, path: Path) -> None:
    """Take the creation lock: processes starting up hold it for milliseconds; nobody waits for ever."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise DatabaseError(f"{path.name}: another process has held its creation lock for "
                                    f"{LOCK_TIMEOUT:.0f} s") from None
            time.sleep(0.01)


def initialize(path: Path) -> None:
    """Create the database at `path` (0600, WAL, tables) unless this process already did; safe to call from
    any number of processes at once."""
    path = Path(path)
    if path in _initialized and path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock_fd = _open_private(path.with_name(path.name + ".init-lock"))
    try:
        _lock(lock_fd, path)
        os.close(_open_private(path))
        for suffix in ("-wal", "-shm"):  # an older version's, or a copy's
            try:
                os.chmod(path.with_name(path.name + suffix), PRIVATE, follow_symlinks=False)
            except FileNotFoundError:
                pass  # none, or the last connection of another process removed it just now
        with closing(_open(path)) as connection:
            _set_wal(connection)
            connection.executescript(SCHEMA)  # IF NOT EXISTS: a no-op on an existing database
            _add_columns(connection)
    finally:
        os.close(lock_fd)  # releases the lock
    _initialized.add(path)


# Columns added to the audit table since it was first created: an older database gets them at start-up.
_AUDIT_COLUMNS = {"commit_note": "TEXT", "status": "TEXT NOT NULL DEFAULT 'done'"}


def _add_columns(connection: sqlite3.Connection) -> None:
    present = {row["name"] for row in connection.execute("PRAGMA table_info(audit)")}
    for name, declaration in _AUDIT_COLUMNS.items():
        if name not in present:
            connection.execute(f"ALTER TABLE audit ADD COLUMN {name} {declaration}")
    connection.execute("CREATE INDEX IF NOT EXISTS audit_pending ON audit (status) WHERE status = 'pending'")


def _refuse_replaced(path: Path) -> None:
    """DatabaseError when the database, or its WAL or shared-memory file, is no longer a regular file (a
    symlink put there since start-up, say): sqlite3 would follow it (Python cannot pass SQLITE_OPEN_NOFOLLOW)."""
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        try:
            info = os.lstat(path.with_name(name))
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode):
            raise DatabaseError(f"{name} is {'a symbolic link' if stat.S_ISLNK(info.st_mode) else 'not a regular file'}"
                                ": refused")


def _open(path: Path) -> sqlite3.Connection:
    # mode=rw: never creates the file (initialize does, with the right mode); autocommit, BEGIN explicitly.
    _refuse_replaced(path)
    connection = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=BUSY_TIMEOUT,
                                 isolation_level=None)
    connection.row_factory = sqlite3.Row
    return connection


def connect(path: Path) -> sqlite3.Connection:
    """A new connection to the editor database at `path` (created first if needed): the caller closes it."""
    initialize(path)
    return _open(Path(path))


@contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for the length of a `with` block, then closed."""
    with closing(connect(path)) as connection:
        yield connection


@contextmanager
def borrowed(path: Path, connection: sqlite3.Connection | None) -> Iterator[sqlite3.Connection]:
    """`connection` (e.g. the request's, which its owner closes), else one opened for the block."""
    if connection is not None:
        yield connection
    else:
        with opened(path) as own:
            yield own


@contextmanager
def transaction(connection: sqlite3.Connection, immediate: bool = False) -> Iterator[sqlite3.Connection]:
    """BEGIN (IMMEDIATE: take the write lock now, for a read that decides a write) … COMMIT, or ROLLBACK
    when the block raises."""
    connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def request_connection() -> sqlite3.Connection:
    """This request's connection to the app's EDITOR_DB, opened on first use and closed at teardown."""
    if "editor_db" not in g:
        g.editor_db = connect(current_app.config["EDITOR_DB"])
    return g.editor_db


def _close_request_connection(_error=None) -> None:
    connection = g.pop("editor_db", None)
    if connection is not None:
        connection.close()


def _database_unavailable(error: sqlite3.OperationalError | DatabaseError):
    log.error("editor database: %s", error)
    g.user = None  # nobody is signed in on this page: the database that would say who cannot be read
    return render_template("editor/broken.html", error="The editor's database is busy or unavailable. "
                           "Try again in a moment."), 503


def init_app(app: Flask) -> None:
    """Create the database at start-up (before gunicorn forks its workers) and close each request's
    connection at teardown; a database that stays locked past the busy timeout is a 503, not a 500."""
    initialize(app.config["EDITOR_DB"])
    app.teardown_appcontext(_close_request_connection)
    app.register_error_handler(sqlite3.OperationalError, _database_unavailable)
    app.register_error_handler(DatabaseError, _database_unavailable)
