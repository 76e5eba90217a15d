"""The editor's catalog in memory: after a save it holds exactly what reading the whole file again gives
(only the saved entry judged again), and a file changed by another process is seen on the next page."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from app.editor import views
from app.tooling.entry import EntryKey
from tests.conftest import sign_in
from tests.editor.forms import form_of
from tests.editor.test_views import blank

ESTABLISHED = EntryKey("fact label", "Established")
EDIT = f"/ja/translations/edit/{ESTABLISHED.id}/"


pytestmark = pytest.mark.without_review  # ja without review: the catalog the editor lists changes with each save


@pytest.fixture
def alice(editor_app):
    client = editor_app.test_client()
    assert sign_in(client, "alice").status_code == 302
    return client


def _listed(loaded: views.LoadedCatalog) -> tuple:
    """Everything the list, an entry page and "save and next" take from the loaded catalog."""
    rows = [(row.id, row.state, row.ids, row.strings, row.reason, row.pages, row.message.lineno,
             sorted(row.message.flags), loaded.index[row.id]) for row in loaded.rows]
    return rows, loaded.counts, loaded.contexts, loaded.strict, loaded.signature


def _whole(editor_app, po) -> views.LoadedCatalog:
    views._loaded.pop(po, None)
    with editor_app.test_request_context():
        return views.load("ja")


@pytest.mark.parametrize("action, text", [("next", "設立"), ("fuzzy", "設立"), ("save", "設立 (1999)")])
def test_after_a_save_the_catalog_is_what_a_whole_read_gives(editor_app, alice, ja_po, action, text):
    blank(ja_po, "Established", "設置")
    blank(ja_po, "Published", "策定")
    assert alice.get("/ja/translations/edit/").status_code == 200
    before = views._loaded[ja_po]
    response = alice.post(EDIT, data=form_of(alice.get(EDIT).text) | {"msgstr": [text], "action": action})
    assert response.status_code == 303 and alice.get(urlsplit(response.location).path).status_code == 200
    assert alice.get("/ja/translations/edit/").status_code == 200
    after = views._loaded[ja_po]
    assert after.catalog is before.catalog and after.signature != before.signature  # taken as a change
    assert after.row(ESTABLISHED.id).strings == (text,)
    assert _listed(after) == _listed(_whole(editor_app, ja_po))


def test_a_file_changed_by_another_process_is_seen_on_the_next_page(alice, ja_po):
    blank(ja_po, "Established", "設置")
    assert 'data-count="untranslated">1 untranslated' in alice.get("/ja/translations/edit/").text
    text = ja_po.read_text(encoding="utf-8")
    ja_po.write_text(text.replace('msgid "Established"\nmsgstr ""', 'msgid "Established"\nmsgstr "設立"'),
                     encoding="utf-8")
    stat = ja_po.stat()  # a same-tick rewrite of the same size: moved on as an editor's save would be
    os.utime(ja_po, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    listing = alice.get("/ja/translations/edit/?state=all&q=設立").text
    assert 'data-count="untranslated">0 untranslated' in listing
    assert f'data-entry="{ESTABLISHED.id}"' in listing
