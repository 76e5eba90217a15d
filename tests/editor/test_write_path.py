"""Issue 15's write path, on store.py directly: side files, what a save reads, commits of exactly one
entry, writes made without the lock, and audit rows that match the file after a kill -9."""
from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from app.db import connect
from app.editor import store as store_module
from app.editor.store import CatalogBusy, CatalogStore, Conflict, Saved
from app.tooling.entry import EntryKey, find_message, strings_of
from app.tooling.files import UnsafeSideFile
from app.tooling.pofile import CatalogError, read_po_file
from tests.editor.test_store import ALICE, ANOTHER, CATALOG, UNTRANSLATED, changed_lines

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def po(tmp_path) -> Path:
    path = tmp_path / "translations" / "ja" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    path.write_text(CATALOG, encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "instance" / "editor.sqlite3"


@pytest.fixture
def store(po, db) -> CatalogStore:
    return CatalogStore(po, "ja", db)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts as a fresh process would: no version known valid."""
    store_module._valid.clear()
    yield
    store_module._valid.clear()


def in_thread(function, seconds: float = 10):
    """Run `function` in a thread and return what it returned or raised; fail if it is still running after
    `seconds` (a FIFO or /dev/zero read by mistake would block it)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as err:  # noqa: BLE001 - handed to the test
            outcome["error"] = err
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def on_disk(po, key=UNTRANSLATED) -> tuple[str, ...]:
    return strings_of(find_message(read_po_file(po).catalog, key))


def audit_rows(db) -> list[tuple]:
    with connect(db) as connection:
        return [tuple(row) for row in connection.execute("SELECT msgid, after, status FROM audit ORDER BY id")]


# --- side files ---------------------------------------------------------------------------------------------

def test_the_lock_file_is_created_by_the_editor_0600_and_never_written(store, po):
    assert isinstance(store.save(UNTRANSLATED, ["一"], [""], ALICE), Saved)
    lock = po.with_name("messages.po.lock")
    assert lock.stat().st_mode & 0o777 == 0o600 and lock.read_bytes() == b""
    assert sorted(p.name for p in po.parent.iterdir()) == ["messages.po", "messages.po.lock"]  # no .valid


@pytest.mark.parametrize("target_name", ["code.py", "editor.sqlite3"])
def test_a_symlinked_lock_file_is_refused_and_its_target_untouched(store, po, tmp_path, target_name, caplog):
    target = tmp_path / target_name
    target.write_bytes(b"print('precious')\n")
    po.with_name("messages.po.lock").symlink_to(target)
    with pytest.raises(UnsafeSideFile, match="symbolic link"):
        store.save(UNTRANSLATED, ["一"], [""], ALICE)
    assert target.read_bytes() == b"print('precious')\n"
    assert po.read_text(encoding="utf-8") == CATALOG
    assert "refusing the lock file" in caplog.text


def test_a_fifo_or_directory_as_the_lock_file_is_refused_without_hanging(store, po):
    os.mkfifo(po.with_name("messages.po.lock"))
    with pytest.raises(UnsafeSideFile, match="FIFO"):
        in_thread(lambda: store.save(UNTRANSLATED, ["一"], [""], ALICE))
    po.with_name("messages.po.lock").unlink()
    po.with_name("messages.po.lock").mkdir()
    with pytest.raises(UnsafeSideFile, match="directory"):
        in_thread(lambda: store.save(UNTRANSLATED, ["一"], [""], ALICE))
    assert po.read_text(encoding="utf-8") == CATALOG


def test_a_hard_link_as_the_lock_file_is_refused(store, po, tmp_path):
    other = tmp_path / "other"
    other.write_bytes(b"x")
    os.link(other, po.with_name("messages.po.lock"))
    with pytest.raises(UnsafeSideFile, match="hard link"):
        store.save(UNTRANSLATED, ["一"], [""], ALICE)


@pytest.mark.parametrize("make", [lambda p: p.symlink_to("/dev/zero"), os.mkfifo])
def test_a_valid_side_file_is_never_read(store, po, make):
    """`messages.po.valid` is no longer the editor's: /dev/zero or a FIFO there changes nothing."""
    make(po.with_name("messages.po.valid"))
    assert isinstance(in_thread(lambda: store.save(UNTRANSLATED, ["一"], [""], ALICE)), Saved)
    assert on_disk(po) == ("一",)


def test_a_digest_listed_in_a_side_file_is_not_trusted(store, po):
    """The old lock file listed SHA-256s of valid versions: a duplicate entry with its digest listed was
    patched. Now only this process's own reading decides, and the broken file is refused."""
    broken = (CATALOG + '\nmsgid "Untranslated"\nmsgstr "dup"\n').encode()
    po.write_bytes(broken)
    digest = hashlib.sha256(broken).hexdigest()
    po.with_name("messages.po.lock").write_text(digest + "\n")
    po.with_name("messages.po.lock").chmod(0o600)
    with pytest.raises(CatalogError, match="duplicate"):
        store.save(UNTRANSLATED, ["一"], [""], ALICE)
    assert po.read_bytes() == broken


def test_a_known_valid_version_is_keyed_by_inode_size_mtime_and_digest(store, po):
    """A rewrite in place to a broken file of the same size (same inode) is validated again, not trusted."""
    store.save(UNTRANSLATED, ["一"], [""], ALICE)
    data = po.read_bytes()
    broken = data.replace(b'msgid "Another untranslated"', b'msgid "Another untranslated ')  # unterminated
    assert len(broken) == len(data)
    with open(po, "r+b") as file:  # in place: the same inode and size
        file.write(broken)
    with pytest.raises(CatalogError):
        store.save(UNTRANSLATED, ["二"], ["一"], ALICE)


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_a_symlinked_catalog_is_refused_without_its_path_or_content(store, po, tmp_path, where):
    target = (po.parent / "real.po") if where == "inside" else (tmp_path / "elsewhere.po")
    target.write_text(CATALOG, encoding="utf-8")
    po.unlink()
    po.symlink_to(target)
    for action in (lambda: store.save(UNTRANSLATED, ["一"], [""], ALICE), lambda: store.entry(UNTRANSLATED)):
        with pytest.raises(CatalogError) as refused:
            action()
        message = str(refused.value)
        assert "symbolic link" in message and str(tmp_path) not in message and "test catalog" not in message
    assert target.read_text(encoding="utf-8") == CATALOG


def test_a_fifo_as_the_catalog_is_refused_without_hanging(store, po):
    po.unlink()
    os.mkfifo(po)
    with pytest.raises(CatalogError, match="FIFO"):
        in_thread(lambda: store.save(UNTRANSLATED, ["一"], [""], ALICE))


# --- commits --------------------------------------------------------------------------------------------

def git(repo: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=dev", "-c", "user.email=dev@example",
                           *args], capture_output=True, text=True, check=check).stdout


@pytest.fixture
def repo(po) -> Path:
    repo = po.parents[3]
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    return repo


PO_IN_REPO = "translations/ja/LC_MESSAGES/messages.po"


def test_a_commit_holds_exactly_the_translators_change(store, po, repo):
    """`make update` left a merge uncommitted (another entry changed, one added): the translator's commit
    is HEAD's catalog plus their entry; the merge stays uncommitted, in the file and out of the index."""
    merged = CATALOG.replace('msgid "Another untranslated"\nmsgstr ""',
                             'msgid "Another untranslated"\nmsgstr "マージ"') + '\nmsgid "New string"\nmsgstr ""\n'
    po.write_text(merged, encoding="utf-8")
    result = store.save(UNTRANSLATED, ["未翻訳"], [""], ALICE)
    assert isinstance(result, Saved) and result.git_commit
    assert git(repo, "rev-parse", "HEAD").strip() == result.git_commit
    assert git(repo, "log", "-1", "--format=%an <%ae>|%s").strip() == "alice <alice@example.ac.jp>|ja: save 'Untranslated'"
    committed = git(repo, "show", f"HEAD:{PO_IN_REPO}")
    diff = changed_lines(CATALOG, committed)
    assert len(diff) == 6 and diff[4:] == ['-msgstr ""', '+msgstr "未翻訳"']
    assert "マージ" not in committed and "New string" not in committed
    # The work tree has everything; what is left uncommitted is exactly the merge.
    text = po.read_text(encoding="utf-8")
    assert "未翻訳" in text and "マージ" in text and "New string" in text
    assert git(repo, "diff", "--cached", "--name-only") == ""  # the index has the commit's blob
    assert text == committed.replace('msgid "Another untranslated"\nmsgstr ""',
                                     'msgid "Another untranslated"\nmsgstr "マージ"') + '\nmsgid "New string"\nmsgstr ""\n'
    assert store.history(UNTRANSLATED)[0]["git_commit"] == result.git_commit


def test_an_entry_the_commit_lacks_is_saved_but_not_committed(store, po, repo):
    po.write_text(CATALOG + '\nmsgid "New string"\nmsgstr ""\n', encoding="utf-8")
    head = git(repo, "rev-parse", "HEAD")
    result = store.save(EntryKey(None, "New string"), ["新しい"], [""], ALICE)
    assert isinstance(result, Saved) and result.git_commit is None
    assert git(repo, "rev-parse", "HEAD") == head
    assert on_disk(po, EntryKey(None, "New string")) == ("新しい",)
    row = store.history(EntryKey(None, "New string"))[0]
    assert row["git_commit"] is None and "lacks this entry" in row["commit_note"]


def test_an_untracked_catalog_is_saved_but_not_committed(store, po, repo):
    git(repo, "rm", "-q", "--cached", PO_IN_REPO)
    git(repo, "commit", "-qm", "untrack")
    head = git(repo, "rev-parse", "HEAD")
    result = store.save(UNTRANSLATED, ["一"], [""], ALICE)
    assert isinstance(result, Saved) and result.git_commit is None and git(repo, "rev-parse", "HEAD") == head
    assert "not tracked" in store.history(UNTRANSLATED)[0]["commit_note"]


def test_hooks_never_run_and_git_never_runs_under_the_lock(store, po, repo, monkeypatch):
    hooks = repo / ".git" / "hooks"
    for name in ("post-commit", "reference-transaction", "pre-commit", "commit-msg"):
        (hooks / name).write_text(f"#!/bin/sh\ntouch {repo}/ran-{name}\nsleep 30\n")
        (hooks / name).chmod(0o755)
    held = []
    real_run = subprocess.run

    def watching(command, *args, **kwargs):
        if command[:1] == ["git"] or command[:1] == ("git",):
            lock = os.open(po.with_name("messages.po.lock"), os.O_RDONLY)
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: no save holds it while git runs
            except BlockingIOError:
                held.append(command)
            finally:
                os.close(lock)
        return real_run(command, *args, **kwargs)
    monkeypatch.setattr(store_module.subprocess, "run", watching)
    started = time.monotonic()
    result = store.save(UNTRANSLATED, ["一"], [""], ALICE)
    assert time.monotonic() - started < 5
    assert result.git_commit and git(repo, "rev-parse", "HEAD").strip() == result.git_commit
    assert not list(repo.glob("ran-*")) and held == []


def test_a_git_that_hangs_is_given_up_and_the_save_stands(store, po, repo, monkeypatch, caplog):
    monkeypatch.setattr(store_module, "GIT_TIMEOUT", 0.5)
    real_run = subprocess.run

    def slow(command, *args, **kwargs):
        if "commit-tree" in command:
            command = ["sh", "-c", "sleep 10"]
        return real_run(command, *args, **kwargs)
    monkeypatch.setattr(store_module.subprocess, "run", slow)
    started = time.monotonic()
    result = store.save(UNTRANSLATED, ["一"], [""], ALICE)
    assert time.monotonic() - started < 5  # the hung git: 10 s
    assert isinstance(result, Saved) and result.git_commit is None and on_disk(po) == ("一",)
    assert "git failed" in store.history(UNTRANSLATED)[0]["commit_note"]
    assert "could not commit" in caplog.text


# --- writes made without the lock -------------------------------------------------------------------------

def writer_between_read_and_replace(monkeypatch, po, change, times: int = 1):
    """Patch the store's `validate` (called after the read, before the replace) to rewrite the catalog
    `times` times as a text editor would: without the lock, in place."""
    real = store_module.validate
    calls = []

    def validate_then_write(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            with open(po, "r+b") as file:
                new = change(file.read().decode()).encode()
                file.seek(0)
                file.write(new)
                file.truncate()
        return real(*args, **kwargs)
    monkeypatch.setattr(store_module, "validate", validate_then_write)
    return calls


def test_another_entry_written_between_read_and_replace_is_kept(store, po, db, monkeypatch):
    calls = writer_between_read_and_replace(monkeypatch, po, lambda t: t.replace(
        'msgid "Another untranslated"\nmsgstr ""', 'msgid "Another untranslated"\nmsgstr "エディタ"'))
    assert isinstance(store.save(UNTRANSLATED, ["保存"], [""], ALICE), Saved)
    assert len(calls) == 2  # read, patched, found changed; read again, re-applied
    assert on_disk(po) == ("保存",) and on_disk(po, ANOTHER) == ("エディタ",)
    assert audit_rows(db) == [("Untranslated", '["保存"]', "failed"), ("Untranslated", '["保存"]', "done")]
    assert len(store.history(UNTRANSLATED)) == 1


def test_the_same_entry_written_between_read_and_replace_is_a_conflict(store, po, monkeypatch):
    writer_between_read_and_replace(monkeypatch, po, lambda t: t.replace(
        'msgid "Untranslated"\nmsgstr ""', 'msgid "Untranslated"\nmsgstr "エディタ"'))
    result = store.save(UNTRANSLATED, ["保存"], [""], ALICE)
    assert result == Conflict(on_disk=("エディタ",), yours=("保存",))
    assert on_disk(po) == ("エディタ",) and store.history(UNTRANSLATED) == []


def test_a_file_that_keeps_changing_is_busy_after_a_bounded_number_of_attempts(store, po, monkeypatch):
    counter = iter(range(100))
    writer_between_read_and_replace(monkeypatch, po, lambda t: t.replace(
        '"Project-Id-Version: test', f'"Project-Id-Version: {next(counter)} test', 1), times=100)
    with pytest.raises(CatalogBusy, match="kept changing"):
        store.save(UNTRANSLATED, ["保存"], [""], ALICE)
    assert on_disk(po) == ("",) and store.history(UNTRANSLATED) == []


# --- audit rows and kill -9 ---------------------------------------------------------------------------------

KILLED_SAVE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from app.editor import store as store_module
    from app.editor.store import Author, CatalogStore
    from app.tooling.entry import EntryKey
    po, db, ready, where = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]

    def stop_here(*args, real=None, **kwargs):
        ready.write_text("ready")
        time.sleep(60)  # killed (-9) here by the test

    if where == "after-replace":
        store_module.CatalogStore._mark_done = stop_here
    else:
        store_module.atomic_write = stop_here
    CatalogStore(po, "ja", db).save(EntryKey(None, "Untranslated"), ["殺された"], [""], Author("killed"))
""")


@pytest.mark.parametrize("where, lands", [("after-replace", True), ("before-replace", False)])
def test_a_save_killed_mid_way_is_reconciled(po, db, tmp_path, where, lands):
    ready = tmp_path / "ready"
    connect(db).close()
    child = subprocess.Popen([sys.executable, "-c", KILLED_SAVE, str(po), str(db), str(ready), where], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert audit_rows(db) == [("Untranslated", '["殺された"]', "pending")]
    assert on_disk(po) == (("殺された",) if lands else ("",))
    assert CatalogStore(po, "ja", db).reconcile() == 1
    assert audit_rows(db) == [("Untranslated", '["殺された"]', "done" if lands else "failed")]
    history = CatalogStore(po, "ja", db).history(UNTRANSLATED)
    assert [row["after"] for row in history] == ([("殺された",)] if lands else [])


def test_the_next_save_reconciles_pending_rows_first(po, db, store):
    connect(db).close()
    with connect(db) as connection:
        connection.execute("INSERT INTO audit (at, user, locale, context, msgid, action, before, after, fuzzy,"
                           " status) VALUES (0, 'ghost', 'ja', NULL, 'Another untranslated', 'save', '[\"\"]',"
                           " '[\"幽霊\"]', 0, 'pending')")
    store.save(UNTRANSLATED, ["一"], [""], ALICE)
    assert audit_rows(db) == [("Another untranslated", '["幽霊"]', "failed"), ("Untranslated", '["一"]', "done")]


def test_an_older_audit_table_gets_the_new_columns(tmp_path):
    db = tmp_path / "old.sqlite3"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, at REAL NOT NULL, user TEXT NOT NULL,"
                           " locale TEXT NOT NULL, context TEXT, msgid TEXT NOT NULL, action TEXT NOT NULL,"
                           " before TEXT NOT NULL, after TEXT NOT NULL, fuzzy INTEGER NOT NULL, git_commit TEXT)")
        connection.execute("INSERT INTO audit VALUES (1, 0, 'a', 'ja', NULL, 'x', 'save', '[]', '[]', 0, NULL)")
    with connect(db) as connection:
        assert tuple(connection.execute("SELECT status, commit_note FROM audit").fetchone()) == ("done", None)


# --- the lock -------------------------------------------------------------------------------------------

def test_a_save_waits_for_the_lock_at_most_two_seconds(store, po):
    holder = subprocess.Popen(["flock", str(po.with_name("messages.po.lock")), "sleep", "30"])
    try:
        deadline = time.monotonic() + 10
        while not po.with_name("messages.po.lock").exists():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.2)
        started = time.monotonic()
        with pytest.raises(CatalogBusy):
            store.save(UNTRANSLATED, ["一"], [""], ALICE)
        assert 1.9 < time.monotonic() - started < 3
    finally:
        holder.kill()
        holder.wait()
    assert po.read_text(encoding="utf-8") == CATALOG

