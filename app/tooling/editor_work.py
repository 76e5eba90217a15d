"""What the translation editor holds that is not in the catalogs yet, for `check`: suggestions awaiting
review per locale (app/suggestions.py writes them) and open questions about English strings (comments with
`about_source`, app/comments.py). Read-only SQLite, no Flask; a database that does not exist is read as
empty and never created (CI has none)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

OPEN = "open"  # a suggestion's state until a reviewer decides


def _rows(db_path: Path, sql: str, *args) -> list[sqlite3.Row]:
    path = Path(db_path)
    if not path.exists():
        return []
    import sqlite3  # here: without a database (CI, `check` of a given file) it is never needed

    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        connection.row_factory = sqlite3.Row
        return connection.execute(sql, args).fetchall()
    except sqlite3.OperationalError:  # a database from before these tables: nothing in them yet
        return []
    finally:
        connection.close()


def awaiting_review(db_path: Path) -> dict[str, int]:
    """Open suggestions per locale (not translations: never counted as translated)."""
    return {row[0]: row[1] for row in _rows(
        db_path, "SELECT locale, COUNT(*) FROM suggestions WHERE state = ? GROUP BY locale", OPEN)}


def open_source_questions(db_path: Path) -> list[dict]:
    """Every open question about an English string, all locales, oldest first: locale, msgid, msgctxt ("" for
    none), user, at (Unix time), text."""
    return [{"locale": row["locale"], "msgid": row["msgid"], "msgctxt": row["context"] or "", "user": row["user"],
             "at": row["at"], "text": row["text"]}
            for row in _rows(db_path, "SELECT * FROM comments WHERE about_source = 1 AND resolved_by IS NULL"
                                      " ORDER BY id")]
