"""The editor through the real Flask app: access rules, CSRF, save, conflict, refusal, review, history,
preview, sessions and the status pages' sign-in."""
from __future__ import annotations

import re
import time

import pytest

from app import create_app
from app.accounts import Accounts
from app.editor import views
from app.tooling.entry import EntryKey, find_message, strings_of
from app.tooling.pofile import read_po_file
from tests.conftest import PASSWORD, editor_config, sign_in
from tests.editor.forms import form_of

ESTABLISHED = EntryKey("fact label", "Established")
EDIT = f"/ja/translations/edit/{ESTABLISHED.id}/"


pytestmark = pytest.mark.without_review  # ja without review: saving where review is off; review before publish is test_review.py's


@pytest.fixture
def client(editor_app):
    return editor_app.test_client()


@pytest.fixture
def alice(client):
    assert sign_in(client, "alice").status_code == 302
    return client


def blank(po, msgid: str, old: str) -> None:
    text = po.read_text(encoding="utf-8")
    assert f'msgid "{msgid}"\nmsgstr "{old}"' in text
    po.write_text(text.replace(f'msgid "{msgid}"\nmsgstr "{old}"', f'msgid "{msgid}"\nmsgstr ""'), encoding="utf-8")


def on_disk(po, key=ESTABLISHED) -> tuple[str, ...]:
    return strings_of(find_message(read_po_file(po).catalog, key))


def test_off_unless_enabled(translations_copy, instance_dir):
    client = create_app(editor_config(translations_copy, instance_dir, EDITOR_ENABLED=False)).test_client()
    assert client.get("/ja/translations/edit/").status_code == 404
    assert client.get("/login").status_code == 404
    assert not instance_dir.exists()  # no secret key, no database: nothing happens when it is off


def test_another_locale_is_403_and_the_source_locale_404(client):
    sign_in(client, "frank")
    assert client.get("/ja/translations/edit/").status_code == 403
    assert client.get("/en/translations/edit/").status_code == 404


def test_a_post_without_csrf_token_is_400_and_writes_nothing(alice, ja_po):
    before = ja_po.read_bytes()
    response = alice.post(EDIT, data={"msgstr": "設立", "base": "設置"})
    assert response.status_code == 400 and "CSRF" in response.text
    assert ja_po.read_bytes() == before


def test_translate_an_untranslated_string_and_see_it_live(alice, ja_po):
    blank(ja_po, "Established", "設置")
    listing = alice.get("/ja/translations/edit/").text
    assert re.search(r'data-count="untranslated">1 untranslated', listing)
    assert f'data-entry="{ESTABLISHED.id}"' in listing
    page = alice.get(EDIT).text
    fields = form_of(page) | {"msgstr": ["設立"], "action": "save"}
    response = alice.post(EDIT, data=fields)
    assert response.status_code == 303
    assert on_disk(ja_po) == ("設立",)
    assert "Saved." in alice.get(EDIT).text
    assert "<dt>設立</dt>" in alice.get("/ja/office/").text


def test_save_and_next_goes_to_the_next_entry_to_do(alice, ja_po):
    blank(ja_po, "Established", "設置")
    blank(ja_po, "Published", "策定")
    fields = form_of(alice.get(EDIT).text) | {"msgstr": ["設立"], "action": "next"}
    response = alice.post(EDIT, data=fields)
    assert response.location.endswith(f"/ja/translations/edit/{EntryKey('fact label', 'Published').id}/")


def test_a_changed_entry_gives_the_conflict_page_with_both_versions(alice, ja_po):
    fields = form_of(alice.get(EDIT).text) | {"msgstr": ["設立（私の訳）"], "action": "save"}
    ja_po.write_text(ja_po.read_text(encoding="utf-8").replace('msgstr "設置"', 'msgstr "設置（他人の訳）"'),
                     encoding="utf-8")
    response = alice.post(EDIT, data=fields)
    assert response.status_code == 409
    assert 'data-role="on-disk">設置（他人の訳）' in response.text
    assert form_of(response.text)["msgstr"] == ["設立（私の訳）"]
    assert form_of(response.text)["base"] == ["設置（他人の訳）"]
    assert on_disk(ja_po) == ("設置（他人の訳）",)
    # Sending the form again is a deliberate choice to replace theirs.
    assert alice.post(EDIT, data=form_of(response.text) | {"action": "save"}).status_code == 303
    assert on_disk(ja_po) == ("設立（私の訳）",)


def test_a_refused_translation_stays_in_the_form_with_its_reason(alice, ja_po):
    before = ja_po.read_bytes()
    hostile = '設置<img src=x onerror="alert(1)">'
    response = alice.post(EDIT, data=form_of(alice.get(EDIT).text) | {"msgstr": [hostile], "action": "save"})
    assert response.status_code == 422
    assert ('data-role="refused">Not saved: msgstr adds &lt;img src=&#34;x&#34; onerror=&#34;alert(1)&#34;&gt;, '
            'but the English is plain text') in response.text
    assert form_of(response.text)["msgstr"] == [hostile]
    assert "<img src=x" not in response.text
    assert ja_po.read_bytes() == before


def test_mark_fuzzy_then_a_reviewer_approves(alice, editor_app, ja_po):
    fields = form_of(alice.get(EDIT).text)
    assert alice.post(EDIT, data=fields | {"action": "fuzzy"}).status_code == 303
    assert "fuzzy" in find_message(read_po_file(ja_po).catalog, ESTABLISHED).flags
    assert alice.post(EDIT, data=fields | {"action": "approve"}).status_code == 403
    reviewer = editor_app.test_client()
    sign_in(reviewer, "rita")
    page = reviewer.get(EDIT).text
    assert 'value="approve"' in page and 'data-state="fuzzy"' in page
    assert reviewer.post(EDIT, data=form_of(page) | {"action": "approve"}).status_code == 303
    assert "fuzzy" not in find_message(read_po_file(ja_po).catalog, ESTABLISHED).flags
    history = reviewer.get(EDIT + "history").text
    assert re.search(r'<td>rita</td><td data-role="action">approve</td>', history)
    # Said once: "marked fuzzy", not "fuzzy (fuzzy)".
    assert re.search(r'<td>alice</td><td data-role="action">marked fuzzy</td>', history)
    assert "(fuzzy)" not in history


def test_a_fuzzy_entry_shows_the_old_english_and_a_diff(alice, ja_po):
    text = ja_po.read_text(encoding="utf-8").replace(
        'msgctxt "fact label"\nmsgid "Established"',
        '#, fuzzy\n#| msgctxt "fact label"\n#| msgid "Founded"\nmsgctxt "fact label"\nmsgid "Established"')
    ja_po.write_text(text, encoding="utf-8")
    page = alice.get(EDIT).text
    assert 'data-role="previous">Founded</dd>' in page
    assert "<del>Founded</del><ins>Established</ins>" in page


def test_history_and_revert(alice, ja_po):
    alice.post(EDIT, data=form_of(alice.get(EDIT).text) | {"msgstr": ["設立"], "action": "save"})
    history = alice.get(EDIT + "history").text
    change = re.search(r'data-change="(\d+)"', history).group(1)
    assert '<td>alice</td><td data-role="action">save</td>' in history
    token = re.search(r'name="csrf_token" value="([^"]+)"', history).group(1)
    response = alice.post(f"{EDIT}revert/{change}", data={"csrf_token": token, "base": ["設立"]})
    assert response.status_code == 303 and on_disk(ja_po) == ("設置",)
    assert '<td>alice</td><td data-role="action">revert</td>' in alice.get(EDIT + "history").text


def test_preview_renders_the_page_with_the_draft_for_this_request_only(alice, editor_app, ja_po):
    before = ja_po.read_bytes()
    fields = form_of(alice.get(EDIT).text) | {"msgstr": ["下書きの設立"]}
    response = alice.post(EDIT + "preview", data=fields)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    # The draft is marked where it shows, and a banner at the top of <main> says whose preview it is.
    assert '<dt><mark class="editor-draft" data-role="draft">下書きの設立</mark></dt>' in response.text
    assert re.search(r'<main[^>]*><p class="editor-preview" role="status"[^>]*><strong>Preview of your unsaved '
                     r'draft</strong>: only you see it', response.text)
    assert "\ue000" not in response.text and "\ue001" not in response.text
    assert ja_po.read_bytes() == before
    visitor = editor_app.test_client()
    assert "下書き" not in visitor.get("/ja/office/").text and "<dt>設置</dt>" in visitor.get("/ja/office/").text


def test_preview_in_a_process_that_has_not_read_the_whole_catalog(alice):
    """Another worker than the one that served the form (found by mypy): the form names its entry, so
    nothing has read the whole catalog there, yet the preview needs its plural rule."""
    fields = form_of(alice.get(EDIT).text) | {"msgstr": ["下書きの設立"], "msgid": ESTABLISHED.msgid,
                                              "context": ESTABLISHED.context}  # the form's hidden fields
    views._loaded.clear()
    response = alice.post(EDIT + "preview", data=fields)
    assert response.status_code == 200 and '<dt><mark class="editor-draft" data-role="draft">下書きの設立</mark></dt>' in response.text


def test_translation_memory_lists_extra_catalogs_with_similarity(translations_copy, instance_dir, tmp_path):
    extra = tmp_path / "other.po"
    extra.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                     'msgid "Established in"\nmsgstr "設立年"\n', encoding="utf-8")
    app = create_app(editor_config(translations_copy, instance_dir, TRANSLATION_MEMORY_CATALOGS=[extra]))
    Accounts(app.config["EDITOR_DB"]).add("alice", PASSWORD, "translator", ["ja"])
    client = app.test_client()
    sign_in(client, "alice")
    page = client.get(EDIT).text
    assert re.search(r"<td>\d\d%</td><td lang=\"en\">Established in</td><td lang=\"ja\">設立年</td><td>other.po</td>",
                     page)


def test_the_list_filters_by_text_in_both_languages_context_and_page(alice):
    everything = alice.get("/ja/translations/edit/?state=all").text.count("data-entry=")
    for text in ("設置", "establISHED"):
        found = alice.get(f"/ja/translations/edit/?state=all&q={text}").text
        assert ESTABLISHED.id in found and found.count("data-entry=") < everything
    by_context = alice.get("/ja/translations/edit/?state=all&context=fact+label").text
    assert by_context.count("data-entry=") == int(re.search(r'data-role="total">(\d+)', by_context).group(1)) >= 2
    by_page = alice.get("/ja/translations/edit/?state=all&page=office").text
    assert ESTABLISHED.id in by_page and EntryKey("fact label", "Published").id not in by_page


def test_a_broken_catalog_is_a_clear_503(alice, ja_po):
    ja_po.write_text(ja_po.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    response = alice.get("/ja/translations/edit/")
    assert response.status_code == 503 and "syntax-error" in response.text


def test_the_status_pages_require_sign_in(translations_copy, instance_dir):
    app = create_app(editor_config(translations_copy, instance_dir, EDITOR_ENABLED=False,
                                   TRANSLATION_STATUS_ENABLED=True))
    Accounts(app.config["EDITOR_DB"]).add("alice", PASSWORD, "translator", ["ja"])
    client = app.test_client()
    assert client.get("/ja/translations/").location.endswith("/login?next=/ja/translations/")
    sign_in(client, "alice")
    assert client.get("/ja/translations/").status_code == 200


def test_the_status_page_is_cached_per_catalog_version(translations_copy, instance_dir, ja_po, monkeypatch):
    from app import translators
    runs = []
    real = translators.run_check
    monkeypatch.setattr(translators, "run_check", lambda *a, **k: runs.append(1) or real(*a, **k))
    app = create_app(editor_config(translations_copy, instance_dir, TRANSLATION_STATUS_ENABLED=True,
                                   TRANSLATION_STATUS_SIGN_IN=False))
    client = app.test_client()
    assert client.get("/ja/translations/").status_code == 200
    assert client.get("/ja/translations/review/office/").status_code == 200
    assert len(runs) == 1
    blank(ja_po, "Established", "設置")
    assert 'data-state="untranslated"' in client.get("/ja/translations/").text
    assert len(runs) == 2


def test_the_status_page_links_to_the_editor(translations_copy, instance_dir):
    app = create_app(editor_config(translations_copy, instance_dir, TRANSLATION_STATUS_ENABLED=True))
    Accounts(app.config["EDITOR_DB"]).add("alice", PASSWORD, "translator", ["ja"])
    client = app.test_client()
    sign_in(client, "alice")
    assert '<a href="/ja/translations/edit/">Edit (ja)</a>' in client.get("/ja/translations/").text


def test_a_draft_language_is_translated_in_the_editor_before_it_is_published(translations_copy, instance_dir):
    """A new language starts as a draft (issue 10): invisible to visitors, but its translators work on it here."""
    runner = create_app(editor_config(translations_copy, instance_dir)).test_cli_runner()
    assert runner.invoke(args=["i18n", "init", "ko"]).exit_code == 0
    runner = create_app(editor_config(translations_copy, instance_dir)).test_cli_runner()  # ko now exists
    added = runner.invoke(args=["users", "add", "kim", "--role", "translator", "--locale", "ko"],
                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    app = create_app(editor_config(translations_copy, instance_dir))
    assert "ko" in app.config["DRAFT_LOCALES"]
    client = app.test_client()
    assert client.get("/ko/").status_code == 404  # a visitor does not see the draft
    assert sign_in(client, "kim").status_code == 302
    listing = client.get("/ko/translations/edit/")
    assert listing.status_code == 200 and "Strings (ko)" in listing.text
    entry = f"/ko/translations/edit/{ESTABLISHED.id}/"
    response = client.post(entry, data=form_of(client.get(entry).text) | {"msgstr": ["설립"], "action": "save"})
    assert response.status_code == 303
    assert on_disk(translations_copy / "ko" / "LC_MESSAGES" / "messages.po") == ("설립",)


def test_a_drafts_pages_are_for_signed_in_translators_only(translations_copy, instance_dir):
    create_app(editor_config(translations_copy, instance_dir)).test_cli_runner().invoke(args=["i18n", "init", "ko"])
    app = create_app(editor_config(translations_copy, instance_dir))
    Accounts(app.config["EDITOR_DB"]).add("kim", PASSWORD, "translator", ["ko"])
    client = app.test_client()
    assert client.get("/ko/office/").status_code == 404  # a visitor: no such language
    assert sign_in(client, "kim").status_code == 302
    preview = client.get("/ko/office/")
    assert preview.status_code == 200 and preview.headers["X-Robots-Tag"] == "noindex"
    assert re.search(r'<main[^>]*>\s*<p class="draft-banner"[^>]*><strong>Draft language, not published',
                     preview.text)
    assert "draft-banner" not in client.get("/ja/office/").text  # a published language has none


@pytest.mark.parametrize("path", ["/ja/no-such-page", "/en/no-such-page", "/xx/translations/edit/"])
def test_a_signed_in_translator_gets_404_not_500_for_pages_that_do_not_exist(alice, path):
    assert alice.get(path).status_code == 404


@pytest.mark.parametrize(("text", "reason"), [
    ("設" * 5001, "longer than 5,000 characters"),
    ("設\x00置", "control character U+0000"),
])
def test_an_overlong_or_control_character_translation_is_refused_and_nothing_is_written(alice, ja_po, text,
                                                                                        reason):
    before = ja_po.read_bytes()
    started = time.monotonic()
    response = alice.post(EDIT, data=form_of(alice.get(EDIT).text) | {"msgstr": [text], "action": "save"})
    assert response.status_code == 422 and reason in response.text
    assert ja_po.read_bytes() == before and time.monotonic() - started < 5
