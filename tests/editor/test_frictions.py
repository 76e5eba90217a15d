"""Issue 16's frictions, through the Flask app: the developer's note as one text, "Save and next" at the end
of the list and within its page filter, the conflict page naming who, when and what changed, the status
and review pages linking only where the reader may edit."""
from __future__ import annotations

import pytest

import re

from app import create_app
from app.accounts import Accounts
from urllib.parse import urlsplit

from app.tooling.entry import EntryKey
from tests.conftest import PASSWORD, editor_config, sign_in
from tests.editor.forms import form_of

ESTABLISHED = EntryKey("fact label", "Established")
READ = "室長メッセージを読む"
PUBLISHED = EntryKey("fact label", "Published")  # on the vision page; Established is on the office page
SUMMARY = EntryKey(None, "Tohoku University formulated its International Strategy to clarify guidelines and action "
                         "plans for further internationalization, in order to realize Priority Strategy 17 of "
                         "<em>Tohoku University Vision 2030</em>.")



pytestmark = pytest.mark.without_review  # ja without review: saves are written at once (the conflict and save-and-next frictions)

def path(location: str) -> str:
    return urlsplit(location)._replace(scheme="", netloc="").geturl()


def url(key: EntryKey) -> str:
    return f"/ja/translations/edit/{key.id}/"


def signed_in(app, name):
    client = app.test_client()
    assert sign_in(client, name).status_code == 302
    return client


def test_a_two_line_developer_note_reads_as_one_sentence(editor_app):
    page = signed_in(editor_app, "alice").get(url(SUMMARY)).text
    assert ('<dd data-role="developer-note">summary of the strategy; &#34;Priority Strategy 17&#34; is a section of '
            'Tohoku University Vision 2030.</dd>') in page


def test_save_and_next_on_the_last_string_to_do_says_all_done_and_goes_to_the_list(editor_app, ja_po):
    alice = signed_in(editor_app, "alice")
    text = ja_po.read_text(encoding="utf-8")
    ja_po.write_text(text.replace('msgid "Established"\nmsgstr "設置"', 'msgid "Established"\nmsgstr ""'),
                     encoding="utf-8")
    assert alice.get("/ja/translations/edit/?state=todo").text.count("data-entry=") == 1
    response = alice.post(url(ESTABLISHED), data=form_of(alice.get(url(ESTABLISHED)).text)
                          | {"msgstr": ["設置"], "action": "next"})
    assert response.status_code == 303 and response.location.endswith("/ja/translations/edit/")
    assert "All done: no string left to do." in alice.get(path(response.location)).text


def test_save_and_next_keeps_to_the_lists_page_filter(editor_app, ja_po):
    alice = signed_in(editor_app, "alice")
    text = ja_po.read_text(encoding="utf-8")
    # To do: Established (office), the Director's message link (office), Published (vision), in this order.
    for msgid, old in (("Established", "設置"), ("Read the Director’s message", READ), ("Published", "策定")):
        assert f'msgid "{msgid}"\nmsgstr "{old}"' in text
        text = text.replace(f'msgid "{msgid}"\nmsgstr "{old}"', f'msgid "{msgid}"\nmsgstr ""')
    ja_po.write_text(text, encoding="utf-8")
    listing = alice.get("/ja/translations/edit/?state=todo&page=vision").text
    assert f'href="{url(PUBLISHED)}?page=vision"' in listing
    page = alice.get(url(ESTABLISHED) + "?page=vision").text
    assert '<input type="hidden" name="list_page" value="vision">' in page
    response = alice.post(url(ESTABLISHED), data=form_of(page) | {"msgstr": ["設置"], "action": "next",
                                                                  "list_page": "vision"})
    assert response.location.endswith(f"{url(PUBLISHED)}?page=vision")  # the office string is skipped
    done = alice.post(url(PUBLISHED), data=form_of(alice.get(url(PUBLISHED)).text)
                      | {"msgstr": ["策定"], "action": "next", "list_page": "vision"})
    assert done.location.endswith("/ja/translations/edit/?page=vision")
    assert "All done: no string left to do on" in alice.get(path(done.location)).text


def test_the_conflict_page_says_who_changed_it_when_and_shows_the_diff(editor_app):
    alice, rita = signed_in(editor_app, "alice"), signed_in(editor_app, "rita")
    alices_form = form_of(alice.get(url(ESTABLISHED)).text)
    assert rita.post(url(ESTABLISHED), data=form_of(rita.get(url(ESTABLISHED)).text)
                     | {"msgstr": ["設置年"], "action": "save"}).status_code == 303
    page = alice.post(url(ESTABLISHED), data=alices_form | {"msgstr": ["設立"], "action": "save"})
    assert page.status_code == 409
    assert re.search(r"<h2>rita changed this translation at \d{4}-\d\d-\d\d \d\d:\d\d UTC while you were editing",
                     page.text)
    assert '<p lang="ja" data-role="conflict-diff" class="editor-diff">設置<ins>年</ins></p>' in page.text


def test_a_change_from_outside_the_editor_is_named_as_such(editor_app, ja_po):
    alice = signed_in(editor_app, "alice")
    form = form_of(alice.get(url(ESTABLISHED)).text)
    ja_po.write_text(ja_po.read_text(encoding="utf-8").replace('msgstr "設置"', 'msgstr "設立年"'), encoding="utf-8")
    page = alice.post(url(ESTABLISHED), data=form | {"msgstr": ["設立"], "action": "save"}).text
    assert "This translation was changed outside the editor" in page
    assert "<del>置</del><ins>立年</ins>" in page


def test_status_and_review_pages_link_only_to_editors_the_reader_may_use(translations_copy, instance_dir):
    app = create_app(editor_config(translations_copy, instance_dir, TRANSLATION_STATUS_ENABLED=True))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["i18n", "init", "fr"]).exit_code == 0
    app = create_app(editor_config(translations_copy, instance_dir, TRANSLATION_STATUS_ENABLED=True))
    Accounts(app.config["EDITOR_DB"]).add("rita", PASSWORD, "reviewer", ["ja"])
    rita = signed_in(app, "rita")
    status = rita.get("/ja/translations/").text
    assert '<a href="/ja/translations/edit/">Edit (ja)</a>' in status and "Edit (fr)" not in status
    review = rita.get("/ja/translations/review/office/").text
    assert f'<a href="{url(ESTABLISHED)}?page=office" data-role="edit-entry">Edit</a>' in review
    assert 'data-role="edit-entry"' not in rita.get("/fr/translations/review/office/").text


def test_the_preview_marks_the_draft_only_where_it_is_text_inside_main():
    from app.editor.views import DRAFT_END, DRAFT_START, _with_banner_and_marks
    draft = f"{DRAFT_START}設立{DRAFT_END}"
    body = (f"<html><head><title>{draft}</title></head><body><main id=main>"
            f'<img alt="{draft}"><p>{draft}</p></main><footer>{draft}</footer></body></html>')
    page = _with_banner_and_marks(body)
    assert page.count('<mark class="editor-draft" data-role="draft">設立</mark>') == 1
    assert '<title>設立</title>' in page and '<img alt="設立">' in page and "<footer>設立</footer>" in page
    assert page.index('class="editor-preview"') > page.index("<main id=main>")
    assert DRAFT_START not in page and DRAFT_END not in page
