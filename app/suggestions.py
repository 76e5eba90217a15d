"""Suggestions: a translator's save in a locale under review (config REVIEW_LOCALES), kept in the editor's
database until a reviewer accepts it (then written through the editor's normal save, the translator as
author) or rejects it with a reason. They are not translations: the catalog, and so the site, `check` and
the status pages' translated counts, never see them until accepted. No Flask: `check` counts them too.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from .db import connect
from .tooling.entry import EntryKey

OPEN, ACCEPTED, REJECTED = "open", "accepted", "rejected"


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
    """The suggestions of one locale."""

    def __init__(self, db_path: Path, locale: str):
        self.db_path = Path(db_path)
        self.locale = locale

    def suggest(self, key: EntryKey, user: str, base, strings) -> int:
        """Record `user`'s suggestion for `key`; it replaces their own open one (one each per entry)."""
        with connect(self.db_path) as db:
            db.execute("DELETE FROM suggestions WHERE locale = ? AND msgid = ? AND context IS ? AND user = ?"
                       " AND state = ?", (self.locale, key.msgid, key.context, user, OPEN))
            return db.execute("INSERT INTO suggestions (at, user, locale, context, msgid, base, strings, state)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              (time.time(), user, self.locale, key.context, key.msgid, _json(base),
                               _json(strings), OPEN)).lastrowid

    def get(self, suggestion_id: int) -> Suggestion | None:
        with connect(self.db_path) as db:
            row = db.execute("SELECT * FROM suggestions WHERE id = ? AND locale = ?",
                             (suggestion_id, self.locale)).fetchone()
        return None if row is None else Suggestion.of(row)

    def of_entry(self, key: EntryKey) -> list[Suggestion]:
        """Every suggestion for `key`, open or decided, oldest first."""
        with connect(self.db_path) as db:
            rows = db.execute("SELECT * FROM suggestions WHERE locale = ? AND msgid = ? AND context IS ?"
                              " ORDER BY id", (self.locale, key.msgid, key.context)).fetchall()
        return [Suggestion.of(row) for row in rows]

    def open(self) -> list[Suggestion]:
        """The review queue: every open suggestion of the locale, oldest first."""
        with connect(self.db_path) as db:
            rows = db.execute("SELECT * FROM suggestions WHERE locale = ? AND state = ? ORDER BY id",
                              (self.locale, OPEN)).fetchall()
        return [Suggestion.of(row) for row in rows]

    def accept(self, suggestion_id: int, reviewer: str, published, git_commit: str | None) -> None:
        """Mark it accepted, with what was published; the other open suggestions for the entry stay open
        (made against the text now replaced, the reviewer sees them against the new live text)."""
        self._decide(suggestion_id, ACCEPTED, reviewer, accepted=_json(published), git_commit=git_commit)

    def reject(self, suggestion_id: int, reviewer: str, reason: str) -> None:
        self._decide(suggestion_id, REJECTED, reviewer, reason=reason)

    def _decide(self, suggestion_id: int, state: str, reviewer: str, **fields) -> None:
        columns = "".join(f", {name} = ?" for name in fields)
        with connect(self.db_path) as db:
            db.execute(f"UPDATE suggestions SET state = ?, reviewer = ?, reviewed_at = ?{columns}"
                       " WHERE id = ? AND locale = ? AND state = ?",
                       (state, reviewer, time.time(), *fields.values(), suggestion_id, self.locale, OPEN))


def awaiting_review(db_path: Path) -> dict[str, int]:
    """Open suggestions per locale; {} when the database does not exist (nothing is created to say so)."""
    if not Path(db_path).exists():
        return {}
    with connect(db_path) as db:
        return {row[0]: row[1] for row in db.execute(
            "SELECT locale, COUNT(*) FROM suggestions WHERE state = ? GROUP BY locale", (OPEN,))}


def entries_awaiting_review(db_path: Path, locale: str) -> dict[EntryKey, int]:
    """Open suggestions per entry of `locale`, for the editor's list."""
    if not Path(db_path).exists():
        return {}
    with connect(db_path) as db:
        return {EntryKey(row[0], row[1]): row[2] for row in db.execute(
            "SELECT context, msgid, COUNT(*) FROM suggestions WHERE locale = ? AND state = ?"
            " GROUP BY context, msgid", (locale, OPEN))}
