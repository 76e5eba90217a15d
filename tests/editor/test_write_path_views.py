"""Issue 15's write path through the app: a busy lock, a full disk, a read-only directory, Preview as a
worker's first request and a symlinked catalog each answer a page that says what happened and keeps the
translator's text; reconciliation at start-up."""
from __future__ import annotations

import errno
import os
import subprocess
import time

import pytest

from app import create_app
from app.db import connect
from app.editor import views
from app.tooling import files
from tests.conftest import editor_config, sign_in
from tests.editor.forms import form_of
from tests.editor.test_views import EDIT, ESTABLISHED, on_disk

DRAFT = "設立した年"


pytestmark = pytest.mark.without_review  # ja without review: a translator's save goes through the write path (a suggestion would not)


@pytest.fixture
def alice(editor_app):
    client = editor_app.test_client()
    assert sign_in(client, "alice").status_code == 302
    return client


def full_form(client) -> dict:
    page = client.get(EDIT).text
    return form_of(page) | {"msgstr": [DRAFT], "action": "save", "context": ESTABLISHED.context,
                            "msgid": ESTABLISHED.msgid}


def keeps_the_draft(response) -> bool:
    return f">{DRAFT}</textarea>" in response.text


def leftovers(po) -> list[str]:
    return sorted(p.name for p in po.parent.iterdir() if p.name.endswith(".tmp"))


def test_a_busy_lock_is_a_503_with_retry_after_that_keeps_the_text(alice, ja_po):
    form = full_form(alice)
    before = ja_po.read_bytes()
    lock = ja_po.with_name("messages.po.lock")
    holder = subprocess.Popen(["flock", str(lock), "sleep", "30"])
    try:
        time.sleep(0.3)
        started = time.monotonic()
        response = alice.post(EDIT, data=form)
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert elapsed < 3 and "busy" in response.text and keeps_the_draft(response)
    assert ja_po.read_bytes() == before


def test_a_full_disk_is_a_page_that_keeps_the_text_and_leaves_no_temp_file(alice, ja_po, monkeypatch):
    form = full_form(alice)
    before = ja_po.read_bytes()

    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(files.os, "fsync", no_space)
    response = alice.post(EDIT, data=form)
    monkeypatch.undo()
    assert response.status_code == 503 and "the disk is full" in response.text and keeps_the_draft(response)
    assert str(ja_po.parent) not in response.text
    assert ja_po.read_bytes() == before and leftovers(ja_po) == []
    assert "<td>alice</td>" not in alice.get(EDIT + "history").text  # no audit row claims it


def test_a_read_only_translations_directory_is_a_page_that_keeps_the_text(alice, ja_po, monkeypatch):
    form = full_form(alice)
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if str(path).endswith(".lock") or flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)
    monkeypatch.setattr(files.os, "open", read_only)
    response = alice.post(EDIT, data=form)
    monkeypatch.undo()
    assert response.status_code == 503 and "read-only" in response.text and keeps_the_draft(response)
    assert str(ja_po.parent) not in response.text and on_disk(ja_po) == ("設置",)


def test_preview_as_a_workers_first_catalog_request(alice, ja_po):
    form = full_form(alice)
    views._loaded.clear()  # as in a worker that has not read the catalog yet
    response = alice.post(EDIT + "preview", data=form)
    assert response.status_code == 200 and f'<dt><mark class="editor-draft" data-role="draft">{DRAFT}</mark></dt>' in response.text


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_a_symlinked_catalog_is_refused_showing_neither_path_nor_content(alice, ja_po, tmp_path, where):
    target = (ja_po.parent / "real.po") if where == "inside" else (tmp_path / "secret.po")
    target.write_bytes(ja_po.read_bytes().replace(b"# ", b"# SECRET FIRST LINE ", 1))
    ja_po.unlink()
    ja_po.symlink_to(target)
    views._loaded.clear()
    for response in (alice.get("/ja/translations/edit/"), alice.get(EDIT)):
        assert response.status_code == 503
        assert "symbolic link" in response.text or "symlink" in response.text
        assert "SECRET" not in response.text and str(tmp_path) not in response.text
        assert "data-entry=" not in response.text


def test_the_history_says_why_a_save_was_not_committed(translations_copy, instance_dir, ja_po):
    subprocess.run(["git", "init", "-q", str(translations_copy)], check=True)  # a repository, catalog untracked
    app = create_app(editor_config(translations_copy, instance_dir, REVIEW_LOCALES=()))  # the save is written
    from app.accounts import Accounts
    Accounts(app.config["EDITOR_DB"]).add("alice", "correct horse battery", "translator", ["ja"])
    client = app.test_client()
    sign_in(client, "alice")
    assert client.post(EDIT, data=full_form(client)).status_code == 303
    assert "not committed: the catalog is not tracked in git yet" in client.get(EDIT + "history").text


def test_pending_rows_are_reconciled_at_start_up(translations_copy, instance_dir, ja_po):
    db = instance_dir / "editor.sqlite3"
    with connect(db) as connection:
        for after in ("設置", "消えた"):  # the first is on disk, the second never got there
            connection.execute(
                "INSERT INTO audit (at, user, locale, context, msgid, action, before, after, fuzzy, status)"
                " VALUES (0, 'killed', 'ja', 'fact label', 'Established', 'save', '[\"\"]', ?, 0, 'pending')",
                (f'["{after}"]',))
    create_app(editor_config(translations_copy, instance_dir))
    with connect(db) as connection:
        assert [tuple(r) for r in connection.execute("SELECT after, status FROM audit ORDER BY id")] == [
            ('["設置"]', "done"), ('["消えた"]', "failed")]
