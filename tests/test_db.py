"""db.py: the editor's SQLite database, created with its directory and tables on first use."""
from __future__ import annotations

from app.db import connect


def test_the_database_is_created_with_its_directory_and_tables(tmp_path):
    path = tmp_path / "instance" / "editor.sqlite3"
    with connect(path) as db:
        tables = {row["name"] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "login_failures", "signouts", "audit", "suggestions", "comments"} <= tables
    assert path.is_file()


def test_wal_mode_and_rows_by_name(tmp_path):
    with connect(tmp_path / "editor.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute("INSERT INTO signouts (name, at) VALUES ('alice', 1.5)")
        assert dict(db.execute("SELECT * FROM signouts").fetchone()) == {"name": "alice", "at": 1.5}


def test_a_second_connection_sees_what_the_first_wrote(tmp_path):
    path = tmp_path / "editor.sqlite3"
    with connect(path) as first:
        first.execute("INSERT INTO signouts (name, at) VALUES ('alice', 1.0)")
    with connect(path) as second:  # the schema runs again: IF NOT EXISTS keeps the rows
        assert second.execute("SELECT count(*) FROM signouts").fetchone()[0] == 1
