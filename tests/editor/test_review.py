"""Review before publish (ja is under review: translations/locales.toml), comments per string, and what
`check` says of both; through the real Flask app, its database and the `check` command."""
from __future__ import annotations

import json
import re
import sqlite3

import pytest

from app.tooling.entry import EntryKey, find_message, strings_of
from app.tooling.pofile import read_po_file
from app import create_app
from app.accounts import Accounts
from tests.conftest import PASSWORD, editor_config, make_editor_app, sign_in
from tests.editor.forms import form_of

ESTABLISHED = EntryKey("fact label", "Established")
EDIT = f"/ja/translations/edit/{ESTABLISHED.id}/"
QUEUE = "/ja/translations/edit/review/"


def on_disk(po, key=ESTABLISHED) -> tuple[str, ...]:
    return strings_of(find_message(read_po_file(po).catalog, key))


@pytest.fixture
def alice(editor_app):
    client = editor_app.test_client()
    sign_in(client, "alice")
    return client


@pytest.fixture
def rita(editor_app):
    client = editor_app.test_client()
    sign_in(client, "rita")
    return client


def suggest(client, text: str, url: str = EDIT, action: str = "save"):
    return client.post(url, data=form_of(client.get(url).text) | {"msgstr": [text], "action": action})


def rows(editor_app, sql: str, *args):
    with sqlite3.connect(editor_app.config["EDITOR_DB"]) as db:
        db.row_factory = sqlite3.Row
        return db.execute(sql, args).fetchall()


def decision_form(page: str, suggestion_id: int) -> dict:
    """The reviewer's accept form for one suggestion on the entry page, as the browser sends it."""
    section = re.search(rf'<section[^>]*data-suggestion="{suggestion_id}".*?</form>', page, re.S).group(0)
    return form_of(section.replace("editor-decision", "editor-form"))


def test_a_translators_save_is_a_suggestion_visitors_do_not_see_until_accepted(editor_app, alice, rita, ja_po):
    before = ja_po.read_bytes()
    page = alice.get(EDIT).text
    assert 'data-role="review-note"' in page and ">Suggest</button>" in page
    response = suggest(alice, "設立")
    assert response.status_code == 303
    assert "Suggested: visitors see the current text" in alice.get(EDIT).text
    assert ja_po.read_bytes() == before  # not a translation yet
    visitor = editor_app.test_client()
    assert "<dt>設置</dt>" in visitor.get("/ja/office/").text
    [row] = rows(editor_app, "SELECT * FROM suggestions")
    assert (row["user"], row["state"], json.loads(row["strings"]), json.loads(row["base"])) == \
        ("alice", "open", ["設立"], ["設置"])
    assert alice.get(QUEUE).status_code == 403  # the queue is the reviewers'

    queue = rita.get(QUEUE).text
    assert 'data-role="queue-total">1 suggestion awaiting review' in queue
    assert f'href="{EDIT}#suggestions"' in queue  # a review row links to its editor entry
    assert 'data-role="suggestion-diff">設<del>置</del><ins>立</ins></dd>' in queue
    form = decision_form(rita.get(EDIT).text, row["id"])
    assert form["msgstr"] == ["設立"] and form["base"] == ["設置"]
    response = rita.post(f"{EDIT}suggestions/{row['id']}", data=form | {"decision": "accept"})
    assert response.status_code == 303
    assert on_disk(ja_po) == ("設立",)
    assert "<dt>設立</dt>" in visitor.get("/ja/office/").text  # live on the next request
    [audit] = rows(editor_app, "SELECT * FROM audit")
    assert (audit["user"], audit["action"]) == ("alice", "accept")  # the translator is the author
    [row] = rows(editor_app, "SELECT * FROM suggestions")
    assert (row["state"], row["reviewer"], json.loads(row["accepted"])) == ("accepted", "rita", ["設立"])
    assert 'data-role="queue-total">0 suggestions' in rita.get(QUEUE).text


def test_two_suggestions_on_one_entry_one_edited_and_accepted_the_other_rejected_with_a_reason(
        editor_app, alice, rita, ja_po):
    suggest(alice, "設立")
    suggest(rita, "設置（二〇一八年）")  # a reviewer's own save is published at once
    assert on_disk(ja_po) == ("設置（二〇一八年）",)
    Accounts(editor_app.config["EDITOR_DB"]).add("bob", PASSWORD, "translator", ["ja"])
    other = editor_app.test_client()
    sign_in(other, "bob")
    suggest(other, "創設")
    ids = [row["id"] for row in rows(editor_app, "SELECT id FROM suggestions WHERE state = 'open' ORDER BY id")]
    assert len(ids) == 2
    page = rita.get(EDIT).text
    # each beside the live text, the first marked as made against an earlier translation
    assert page.count('data-role="suggestion"') == 2 and "made against an earlier translation" in page
    refused = rita.post(f"{EDIT}suggestions/{ids[1]}", data={"csrf_token": form_of(page)["csrf_token"],
                                                             "decision": "reject", "reason": ""})
    assert refused.status_code == 422  # a rejection needs a reason
    rita.post(f"{EDIT}suggestions/{ids[1]}", data={"csrf_token": form_of(page)["csrf_token"], "decision": "reject",
                                                  "reason": "創設 is for founding <a university>"})
    edited = decision_form(page, ids[0]) | {"msgstr": ["設立（編集）"], "decision": "accept"}
    assert rita.post(f"{EDIT}suggestions/{ids[0]}", data=edited).status_code == 303
    assert on_disk(ja_po) == ("設立（編集）",)
    seen_by_bob = other.get(EDIT).text
    assert 'data-role="rejection">Reason: 創設 is for founding &lt;a university&gt;</p>' in seen_by_bob
    states = {row["user"]: (row["state"], row["reason"]) for row in rows(editor_app, "SELECT * FROM suggestions")}
    assert states == {"alice": ("accepted", None), "bob": ("rejected", "創設 is for founding <a university>")}


def test_suggestions_survive_a_restart_and_only_reviewers_decide(editor_app, alice, ja_po):
    suggest(alice, "設立")
    again = create_app(editor_config(editor_app.config["TRANSLATIONS_DIR"], editor_app.config["INSTANCE_DIR"]))
    reviewer = again.test_client()
    sign_in(reviewer, "rita")
    assert "1 suggestion awaiting review" in reviewer.get(QUEUE).text
    [row] = rows(editor_app, "SELECT id FROM suggestions")
    form = decision_form(reviewer.get(EDIT).text, row["id"])
    token = form_of(alice.get(EDIT).text)["csrf_token"]
    assert alice.post(f"{EDIT}suggestions/{row['id']}", data=form | {"csrf_token": token,
                                                                    "decision": "accept"}).status_code == 403
    assert alice.post(EDIT, data=form_of(alice.get(EDIT).text) | {"action": "fuzzy"}).status_code == 403
    assert on_disk(ja_po) == ("設置",)


def test_the_list_and_the_status_page_count_suggestions_never_as_translated(editor_app, alice, rita):
    editor_app.config["TRANSLATION_STATUS_ENABLED"] = True
    listing = alice.get("/ja/translations/edit/?state=all").text
    translated = re.search(r'data-count="translated">(\d+)', listing).group(1)
    suggest(alice, "設立")
    listing = alice.get("/ja/translations/edit/?state=all").text
    assert re.search(r'data-count="translated">(\d+)', listing).group(1) == translated
    assert re.search(rf'data-entry="{ESTABLISHED.id}">.*?data-role="awaiting">1<', listing, re.S)
    assert "1 suggestion awaiting review" in listing
    status = rita.get("/en/translations/").text
    assert re.search(r'<tr data-locale="ja">.*?data-stat="awaiting-review">1<', status, re.S)


def test_where_review_is_off_only_a_reviewers_save_clears_fuzzy(translations_copy, instance_dir, ja_po):
    app = make_editor_app(translations_copy, instance_dir, REVIEW_LOCALES=())
    ja_po.write_text(ja_po.read_text(encoding="utf-8").replace(
        'msgctxt "fact label"\nmsgid "Established"', '#, fuzzy\nmsgctxt "fact label"\nmsgid "Established"'),
        encoding="utf-8")
    translator, reviewer = app.test_client(), app.test_client()
    sign_in(translator, "alice")
    sign_in(reviewer, "rita")
    assert suggest(translator, "設立").status_code == 303
    message = find_message(read_po_file(ja_po).catalog, ESTABLISHED)
    assert strings_of(message) == ("設立",) and "fuzzy" in message.flags  # saved, still for a reviewer
    assert suggest(reviewer, "設立").status_code == 303
    assert "fuzzy" not in find_message(read_po_file(ja_po).catalog, ESTABLISHED).flags


# --- check ------------------------------------------------------------------------------------------------

def check(app, *args):
    return app.test_cli_runner().invoke(args=["i18n", "check", *args])


def test_check_counts_suggestions_awaiting_review_and_lists_open_questions_about_english(editor_app, alice, rita):
    suggest(alice, "設立")
    page = alice.get(EDIT).text
    alice.post(f"{EDIT}comments", data={"csrf_token": form_of(page)["csrf_token"], "msgid": ESTABLISHED.msgid,
                                        "context": ESTABLISHED.context, "about_source": "1",
                                        "text": "Established as an office, or as a university?"})
    text = check(editor_app)
    assert text.exit_code == 0, text.output  # suggestions are not translations: nothing broken, nothing lost
    assert "ja: 1 awaiting review" in text.output
    assert "1 open question about English strings" in text.output
    document = json.loads(check(editor_app, "--format", "json").output)
    [ja] = [c for c in document["catalogs"] if c["locale"] == "ja"]
    assert ja["awaiting_review"] == 1 and ja["untranslated"] == 0
    [question] = document["source_questions"]
    assert (question["locale"], question["msgid"], question["msgctxt"], question["user"], question["text"]) == \
        ("ja", "Established", "fact label", "alice", "Established as an office, or as a university?")
    [comment] = rows(editor_app, "SELECT id FROM comments")
    rita.post(f"{EDIT}comments/{comment['id']}/resolve", data={"csrf_token": form_of(rita.get(EDIT).text)["csrf_token"]})
    assert json.loads(check(editor_app, "--format", "json").output)["source_questions"] == []


def test_check_runs_without_the_database_and_does_not_create_it(editor_app):
    database = editor_app.config["EDITOR_DB"]
    database.unlink(missing_ok=True)
    result = check(editor_app, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output)["source_questions"] == []
    assert "awaiting review" not in check(editor_app).output
    assert not database.exists()


# --- comments ---------------------------------------------------------------------------------------------

def test_a_comment_thread_per_entry_escaped_and_counted_on_the_list(editor_app, alice, rita):
    page = alice.get(EDIT).text
    fields = {"csrf_token": form_of(page)["csrf_token"], "msgid": ESTABLISHED.msgid, "context": ESTABLISHED.context}
    assert alice.post(f"{EDIT}comments", data=fields | {"text": "   "}).status_code == 422
    assert alice.post(f"{EDIT}comments", data=fields | {"text": "Is <b>設置</b> right?"}).status_code == 303
    token = form_of(rita.get(EDIT).text)["csrf_token"]
    assert rita.post(f"{EDIT}comments", data=fields | {"csrf_token": token, "text": "Yes: the office's own word."}).status_code == 303
    page = alice.get(EDIT).text
    assert "Comments (2)" in page
    assert '<p class="editor-comment-text">Is &lt;b&gt;設置&lt;/b&gt; right?</p>' in page
    assert re.search(r"<strong>alice</strong>, \d{4}-\d\d-\d\d \d\d:\d\d UTC", page)
    assert page.index("Is &lt;b&gt;") < page.index("Yes: the office")
    listing = alice.get("/ja/translations/edit/?state=all").text
    assert re.search(rf'data-entry="{ESTABLISHED.id}">.*?data-role="comment-count">2<', listing, re.S)
    assert "Mark answered" not in page  # nothing asked about the English


def test_accepting_over_a_translation_changed_meanwhile_is_a_conflict_and_the_suggestion_stays_open(
        editor_app, alice, rita, ja_po):
    suggest(alice, "設立")
    [row] = rows(editor_app, "SELECT id FROM suggestions")
    form = decision_form(rita.get(EDIT).text, row["id"]) | {"decision": "accept", "back": "queue"}
    ja_po.write_text(ja_po.read_text(encoding="utf-8").replace('msgstr "設置"', 'msgstr "設置（他）"'),
                     encoding="utf-8")
    response = rita.post(f"{EDIT}suggestions/{row['id']}", data=form)
    assert response.status_code == 409 and 'data-role="on-disk">設置（他）' in response.text
    assert on_disk(ja_po) == ("設置（他）",)
    [row] = rows(editor_app, "SELECT state FROM suggestions")
    assert row["state"] == "open"
    again = decision_form(rita.get(EDIT).text, 1) | {"decision": "accept", "back": "queue"}
    response = rita.post(f"{EDIT}suggestions/1", data=again)
    assert response.status_code == 303 and response.location.endswith(QUEUE)
    assert on_disk(ja_po) == ("設立",)


def test_a_suggestion_replaced_after_the_reviewer_read_it_is_not_accepted_unseen(editor_app, alice, rita, ja_po):
    suggest(alice, "設立")
    [read] = rows(editor_app, "SELECT id FROM suggestions")
    form = decision_form(rita.get(EDIT).text, read["id"]) | {"decision": "accept"}
    suggest(alice, "創立")  # replaces her first: a new suggestion, never the old id
    assert rita.post(f"{EDIT}suggestions/{read['id']}", data=form).status_code == 404
    assert on_disk(ja_po) == ("設置",)
