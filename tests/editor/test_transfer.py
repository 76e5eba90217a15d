"""Download and upload of the whole catalog: the merge rule (saved, unchanged, conflict, refused, left out),
the strict reader and the size limit (nothing written), CSRF."""
from __future__ import annotations

import io

import pytest

from app.tooling.entry import EntryKey, find_message, strings_of
from app.tooling.pofile import read_po_file
from app.suggestions import Suggestions
from tests.conftest import csrf, make_editor_app, sign_in
from tests.editor.forms import form_of

ESTABLISHED = EntryKey("fact label", "Established")  # 設置
STAFF = EntryKey("fact label", "What it is")  # 概要
UPLOAD = "/ja/translations/edit/upload"


pytestmark = pytest.mark.without_review  # ja without review: an upload's entries are saved (one test builds the reviewed app itself)


@pytest.fixture
def alice(editor_app):
    client = editor_app.test_client()
    sign_in(client, "alice")
    return client


@pytest.fixture
def ja_po(editor_app):
    return editor_app.config["TRANSLATIONS_DIR"] / "ja" / "LC_MESSAGES" / "messages.po"


def live(po, key):
    return strings_of(find_message(read_po_file(po).catalog, key))


def send(client, data: bytes, name="messages-ja.po"):
    return client.post(UPLOAD, data={"csrf_token": csrf(client, UPLOAD), "catalog": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def replaced(text: str, key: EntryKey, old: str, new: str) -> str:
    block = f'msgctxt "{key.context}"\nmsgid "{key.msgid}"\nmsgstr "{old}"'
    assert block in text
    return text.replace(block, f'msgctxt "{key.context}"\nmsgid "{key.msgid}"\nmsgstr "{new}"')


def test_download_then_upload_saves_changed_entries_and_reports_a_conflict(alice, editor_app, ja_po):
    downloaded = alice.get("/ja/translations/edit/download")
    assert downloaded.headers["Content-Disposition"] == "attachment; filename=messages-ja.po"
    assert downloaded.data == ja_po.read_bytes()
    staff = live(ja_po, STAFF)[0]
    edited = replaced(downloaded.data.decode(), ESTABLISHED, "設置", "設立")
    edited = replaced(edited, STAFF, staff, "あらまし")
    # Meanwhile rita changes Staff in the browser: the upload's Staff is a conflict.
    rita = editor_app.test_client()
    sign_in(rita, "rita")
    url = f"/ja/translations/edit/{STAFF.id}/"
    assert rita.post(url, data=form_of(rita.get(url).text) | {"msgstr": ["スタッフ"]}).status_code == 303
    page = send(alice, edited.encode())
    assert page.status_code == 200
    assert '<li data-count="saved">1 saved</li>' in page.text
    assert '<li data-count="conflicts">1 conflicts (not saved)</li>' in page.text
    assert live(ja_po, ESTABLISHED) == ("設立",) and live(ja_po, STAFF) == ("スタッフ",)
    history = alice.get(f"/ja/translations/edit/{ESTABLISHED.id}/history").text
    assert '<td>alice</td><td data-role="action">upload</td>' in history
    again = send(alice, edited.encode())  # the same file again: nothing new to save
    assert '<li data-count="saved">0 saved</li>' in again.text


def test_without_a_download_a_different_live_text_is_a_conflict_and_an_empty_one_is_filled(alice, ja_po):
    text = ja_po.read_text(encoding="utf-8")
    ja_po.write_text(replaced(text, STAFF, "概要", ""), encoding="utf-8")  # live: untranslated
    upload = replaced(replaced(text, ESTABLISHED, "設置", "設立"), STAFF, "概要", "あらまし")
    page = send(alice, upload.encode())
    assert '<li data-count="saved">1 saved</li>' in page.text and live(ja_po, STAFF) == ("あらまし",)
    assert '<li data-count="conflicts">1 conflicts (not saved)</li>' in page.text
    assert live(ja_po, ESTABLISHED) == ("設置",)


def test_a_refused_entry_is_reported_with_its_reason_and_the_rest_is_saved(alice, ja_po):
    alice.get("/ja/translations/edit/download")
    text = ja_po.read_text(encoding="utf-8")
    upload = replaced(replaced(text, ESTABLISHED, "設置", "設立<script>"), STAFF, live(ja_po, STAFF)[0], "あらまし")
    page = send(alice, upload.encode())
    assert '<li data-count="refused">1 refused (not saved)</li>' in page.text and "&lt;script&gt;" in page.text
    assert "<script>" not in page.text.split("</head>")[1]
    assert live(ja_po, ESTABLISHED) == ("設置",) and live(ja_po, STAFF) == ("あらまし",)


def test_a_malformed_or_foreign_or_huge_file_writes_nothing(alice, ja_po, monkeypatch):
    before = ja_po.read_bytes()
    broken = send(alice, before.replace(b'msgstr "\xe8\xa8\xad\xe7\xbd\xae"', b'msgstr "unterminated'))
    assert broken.status_code == 400 and "not a valid catalog" in broken.text
    foreign = send(alice, before.replace(b"Language: ja", b"Language: fr").replace("設置".encode(), "設立".encode()))
    assert foreign.status_code == 400 and "a catalog for fr" in foreign.text
    territory = send(alice, before.replace(b"Language: ja", b"Language: ja_JP"))  # as Poedit may write it
    assert territory.status_code == 200 and '<li data-count="saved">0 saved</li>' in territory.text
    from app.editor import transfer
    monkeypatch.setattr(transfer.upload, "max_body", 1000)
    huge = send(alice, before)
    assert huge.status_code == 413 and "送信されたデータが大きすぎます" in huge.text  # the site's 413 page
    assert ja_po.read_bytes() == before
    monkeypatch.undo()
    assert alice.post(UPLOAD, data={"catalog": (io.BytesIO(before), "x.po")},
                      content_type="multipart/form-data").status_code == 400  # no CSRF token


def test_a_translators_upload_under_review_is_a_suggestion_and_changes_nothing_visitors_see(translations_copy,
                                                                                         instance_dir):
    app = make_editor_app(translations_copy, instance_dir)  # as the project is configured: ja reviewed
    po = app.config["TRANSLATIONS_DIR"] / "ja" / "LC_MESSAGES" / "messages.po"
    alice = app.test_client()
    sign_in(alice, "alice")
    before = alice.get("/ja/translations/edit/download").data
    page = send(alice, replaced(before.decode(), ESTABLISHED, "設置", "設立").encode())
    assert '<li data-count="suggested">1 suggested' in page.text and '<li data-count="saved">0 saved</li>' in page.text
    assert po.read_bytes() == before
    (suggestion,) = Suggestions(app.config["EDITOR_DB"], "ja").of_entry(ESTABLISHED)
    assert suggestion.user == "alice" and suggestion.strings == ("設立",)
