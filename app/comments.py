"""Comments on strings: a thread per entry of a locale (who, when, plain text), and questions about the
English itself (`about_source`), which stay open for the developers until a reviewer marks them answered
and which `check --format json` lists for CI (tooling/editor_work.py reads them).
"""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .db import borrowed
from .tooling.entry import EntryKey

MAX_COMMENT_LENGTH = 4000


class CommentError(ValueError):
    """A comment that cannot be kept (empty or too long)."""


@dataclass(frozen=True)
class Comment:
    id: int
    at: float
    user: str
    locale: str
    key: EntryKey
    text: str
    about_source: bool
    resolved_by: str | None

    @classmethod
    def of(cls, row) -> Comment:
        return cls(row["id"], row["at"], row["user"], row["locale"], EntryKey(row["context"], row["msgid"]),
                   row["text"], bool(row["about_source"]), row["resolved_by"])

    @property
    def open_question(self) -> bool:
        return self.about_source and self.resolved_by is None


class Comments:
    """The comment threads of one locale, through `connection` (the request's) when given, else a
    connection of each call's own."""

    def __init__(self, db_path: Path, locale: str, connection: sqlite3.Connection | None = None):
        self.db_path = Path(db_path)
        self.locale = locale
        self.connection = connection

    def _db(self):
        return borrowed(self.db_path, self.connection)

    def add(self, key: EntryKey, user: str, text: str, about_source: bool = False) -> int:
        text = text.replace("\r\n", "\n").strip()
        if not text:
            raise CommentError("the comment is empty")
        if len(text) > MAX_COMMENT_LENGTH:
            raise CommentError(f"longer than {MAX_COMMENT_LENGTH:,} characters ({len(text):,})")
        with self._db() as db:
            return db.execute("INSERT INTO comments (at, user, locale, context, msgid, text, about_source)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?)",
                              (time.time(), user, self.locale, key.context, key.msgid, text,
                               int(about_source))).lastrowid or 0  # an INSERT's: never None

    def thread(self, key: EntryKey) -> list[Comment]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM comments WHERE locale = ? AND msgid = ? AND context IS ? ORDER BY id",
                              (self.locale, key.msgid, key.context)).fetchall()
        return [Comment.of(row) for row in rows]

    def resolve(self, comment_id: int, user: str) -> None:
        with self._db() as db:
            db.execute("UPDATE comments SET resolved_by = ?, resolved_at = ? WHERE id = ? AND locale = ?"
                       " AND resolved_by IS NULL", (user, time.time(), comment_id, self.locale))

    def counts(self) -> dict[EntryKey, int]:
        """Comments per entry, for the editor's list."""
        with self._db() as db:
            return {EntryKey(row[0], row[1]): row[2] for row in db.execute(
                "SELECT context, msgid, COUNT(*) FROM comments WHERE locale = ? GROUP BY context, msgid",
                (self.locale,))}
