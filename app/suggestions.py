"""Suggestions: a translator's save in a locale under review (config REVIEW_LOCALES), kept in the editor's
database until a reviewer accepts it (then written through the editor's normal save, the translator as
author) or rejects it with a reason. They are not translations: the catalog, and so the site, `check` and
the status pages' translated counts, never see them until accepted. `check` counts the open ones (tooling/editor_work.py).
"""
from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .db import borrowed, transaction
from .tooling.editor_work import OPEN
from .tooling.entry import EntryKey

ACCEPTED, REJECTED = "accepted", "rejected"  # and OPEN, until a reviewer decides


@dataclass(frozen=True)
class Suggestion:
    id: int
    at: float
    user: str
    locale: str
    key: EntryKey
    base: tuple[str, ...]  # the live translation it was made against
    strings: tuple[str, ...]
    state: str
    reviewer: str | None
    reviewed_at: float | None
    reason: str | None
    accepted: tuple[str, ...] | None

    @classmethod
    def of(cls, row) -> Suggestion:
        accepted = row["accepted"]
        return cls(row["id"], row["at"], row["user"], row["locale"], EntryKey(row["context"], row["msgid"]),
                   tuple(json.loads(row["base"])), tuple(json.loads(row["strings"])), row["state"],
                   row["reviewer"], row["reviewed_at"], row["reason"],
                   tuple(json.loads(accepted)) if accepted else None)


def _json(strings) -> str:
    return json.dumps(list(strings), ensure_ascii=False)


class Suggestions:
    """The suggestions of one locale, through `connection` (the request's) when given, else a connection of
    each call's own."""

    def __init__(self, db_path: Path, locale: str, connection: sqlite3.Connection | None = None):
        self.db_path = Path(db_path)
        self.locale = locale
        self.connection = connection

    def _db(self):
        return borrowed(self.db_path, self.connection)

    def suggest(self, key: EntryKey, user: str, base, strings) -> int:
        """Record `user`'s suggestion for `key`; it replaces their own open one (one each per entry)."""
        with self._db() as db, transaction(db, immediate=True):
            db.execute("DELETE FROM suggestions WHERE locale = ? AND msgid = ? AND context IS ? AND user = ?"
                       " AND state = ?", (self.locale, key.msgid, key.context, user, OPEN))
            return db.execute("INSERT INTO suggestions (at, user, locale, context, msgid, base, strings, state)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              (time.time(), user, self.locale, key.context, key.msgid, _json(base),
                               _json(strings), OPEN)).lastrowid or 0  # an INSERT's: never None

    def get(self, suggestion_id: int) -> Suggestion | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM suggestions WHERE id = ? AND locale = ?",
                             (suggestion_id, self.locale)).fetchone()
        return None if row is None else Suggestion.of(row)

    def of_entry(self, key: EntryKey) -> list[Suggestion]:
        """Every suggestion for `key`, open or decided, oldest first."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM suggestions WHERE locale = ? AND msgid = ? AND context IS ?"
                              " ORDER BY id", (self.locale, key.msgid, key.context)).fetchall()
        return [Suggestion.of(row) for row in rows]

    def open(self) -> list[Suggestion]:
        """The review queue: every open suggestion of the locale, oldest first."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM suggestions WHERE locale = ? AND state = ? ORDER BY id",
                              (self.locale, OPEN)).fetchall()
        return [Suggestion.of(row) for row in rows]

    def accept(self, suggestion_id: int, reviewer: str, published, git_commit: str | None) -> None:
        """Mark it accepted, with what was published; the other open suggestions for the entry stay open
        (made against the text now replaced, the reviewer sees them against the new live text)."""
        self._decide(suggestion_id, ACCEPTED, reviewer, accepted=_json(published), git_commit=git_commit)

    def reject(self, suggestion_id: int, reviewer: str, reason: str) -> None:
        self._decide(suggestion_id, REJECTED, reviewer, reason=reason)

    def open_counts(self) -> dict[EntryKey, int]:
        """Open suggestions per entry, for the editor's list."""
        with self._db() as db:
            return {EntryKey(row[0], row[1]): row[2] for row in db.execute(
                "SELECT context, msgid, COUNT(*) FROM suggestions WHERE locale = ? AND state = ?"
                " GROUP BY context, msgid", (self.locale, OPEN))}

    def _decide(self, suggestion_id: int, state: str, reviewer: str, **fields) -> None:
        columns = "".join(f", {name} = ?" for name in fields)
        with self._db() as db:
            db.execute(f"UPDATE suggestions SET state = ?, reviewer = ?, reviewed_at = ?{columns}"
                       " WHERE id = ? AND locale = ? AND state = ?",
                       (state, reviewer, time.time(), *fields.values(), suggestion_id, self.locale, OPEN))
