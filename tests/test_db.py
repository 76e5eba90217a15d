"""db.py: the database is created once under a lock (also by processes starting together), private to the
server's user (0600 with its -wal and -shm files), in WAL mode, one connection per web request, closed."""
from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from app import create_app
from app import db
from app.accounts import Accounts
from app.db import connect
from tests.conftest import PASSWORD, editor_config, sign_in

PROCESSES = 8
TRIALS = 30


def _first_write(path: str, number: int, barrier, errors) -> None:
    barrier.wait()  # every process opens the new database at the same moment (as parallel `users add` do)
    try:
        Accounts(Path(path)).sign_out(f"user{number}")  # a write, without the cost of hashing a password
    except Exception as err:  # reported to the parent: the test shows what went wrong
        errors.put(f"{type(err).__name__}: {err}")


def test_eight_processes_creating_the_database_at_once_all_succeed(tmp_path):
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    for trial in range(TRIALS):
        path = tmp_path / f"trial{trial}" / "editor.sqlite3"
        barrier = context.Barrier(PROCESSES)
        processes = [context.Process(target=_first_write, args=(str(path), n, barrier, errors))
                     for n in range(PROCESSES)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
        assert [process.exitcode for process in processes] == [0] * PROCESSES
        assert errors.empty(), errors.get()
        with db.opened(path) as connection:
            assert connection.execute("SELECT COUNT(*) FROM signouts").fetchone()[0] == PROCESSES
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_database_and_its_wal_and_shm_files_are_0600(tmp_path):
    path = tmp_path / "instance" / "editor.sqlite3"
    accounts = Accounts(path)
    accounts.add("alice", PASSWORD, "translator", ["ja"])
    with db.opened(path) as reader:  # keeps the -wal and -shm files while it is open
        reader.execute("SELECT * FROM users").fetchall()
        accounts.authenticate("alice", "wrong password", "10.0.0.1")
        files = [path, path.with_name("editor.sqlite3-wal"), path.with_name("editor.sqlite3-shm")]
        assert [_mode(file) for file in files] == [0o600] * 3


def test_a_world_readable_database_from_before_is_made_private_at_start_up(tmp_path, translations_copy):
    instance = tmp_path / "instance"
    instance.mkdir()
    old = sqlite3.connect(instance / "editor.sqlite3")  # as an older version created it: 0644, no WAL
    old.execute("CREATE TABLE users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,"
                " locales TEXT NOT NULL, created REAL NOT NULL)")
    old.commit()
    old.close()
    os.chmod(instance / "editor.sqlite3", 0o644)
    create_app(editor_config(translations_copy, instance))
    assert _mode(instance / "editor.sqlite3") == 0o600
    with db.opened(instance / "editor.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0  # the missing tables


def test_a_directory_name_with_uri_characters_works(tmp_path):
    path = tmp_path / "site #2?%20" / "editor.sqlite3"
    Accounts(path).add("alice", PASSWORD, "translator", ["ja"])
    assert Accounts(path).get("alice").name == "alice"
    assert [p.name for p in tmp_path.iterdir()] == ["site #2?%20"]  # no file made of a misread URI


def test_a_symlink_in_place_of_the_database_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("not yours\n")
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "editor.sqlite3").symlink_to(target)
    with pytest.raises(db.DatabaseError, match="symbolic link"):
        db.initialize(tmp_path / "instance" / "editor.sqlite3")
    assert target.read_text() == "not yours\n" and _mode(target) != 0o600


def _open_database_files(path: Path) -> int:
    fd_dir = Path("/proc/self/fd")
    return sum(1 for fd in fd_dir.iterdir() if os.path.realpath(fd) == str(path.resolve()))


def test_one_connection_per_request_closed_at_teardown(editor_app, monkeypatch):
    path = Path(editor_app.config["EDITOR_DB"])
    opened = []
    real_open = db._open
    monkeypatch.setattr(db, "_open", lambda p: opened.append(p) or real_open(p))
    client = editor_app.test_client()
    assert sign_in(client, "alice").status_code == 302
    opened.clear()
    for _ in range(20):  # each reads the signed-in user (and its stamp) several times
        assert client.get("/ja/translations/edit/").status_code == 200
    assert len(opened) == 20
    assert _open_database_files(path) == 0


def test_a_database_locked_past_the_busy_timeout_is_a_503_not_a_500(editor_app, monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT", 0.2)
    client = editor_app.test_client()
    with db.opened(editor_app.config["EDITOR_DB"]) as other, db.transaction(other, immediate=True):
        response = sign_in(client, "alice")  # the throttle's write waits for `other`, then gives up
    assert response.status_code == 503 and "busy" in response.text


def test_a_creation_lock_held_elsewhere_is_waited_for_a_bounded_time(tmp_path, monkeypatch):
    import fcntl
    monkeypatch.setattr(db, "LOCK_TIMEOUT", 0.3)
    with open(tmp_path / "editor.sqlite3.init-lock", "w") as held:  # flock: another open file, another owner
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(db.DatabaseError, match="held its creation lock"):
            db.initialize(tmp_path / "editor.sqlite3")
    db.initialize(tmp_path / "editor.sqlite3")  # once it is free


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


@pytest.mark.parametrize("replaced", ["editor.sqlite3", "editor.sqlite3-wal"])
@pytest.mark.parametrize("target_kind", ["database", "text"])
def test_a_database_file_replaced_by_a_symlink_while_running_is_a_503_and_the_target_untouched(
        editor_app, tmp_path, replaced, target_kind):
    path = Path(editor_app.config["EDITOR_DB"])
    client = editor_app.test_client()
    assert sign_in(client, "alice").status_code == 302
    target = tmp_path / "elsewhere"
    if target_kind == "database":
        Accounts(target).add("mallory", PASSWORD, "translator", ["ja"])
    else:
        target.write_text("not yours\n")
    before = target.read_bytes()
    with db.opened(path):  # (a WAL file exists while a connection is open)
        pass
    path.with_name(replaced).unlink(missing_ok=True)
    path.with_name(replaced).symlink_to(target)
    for response in (client.get("/ja/translations/edit/"), sign_in(editor_app.test_client(), "alice", "wrong")):
        assert response.status_code == 503, response.text[:300]
        assert "unavailable" in response.text
    assert target.read_bytes() == before
