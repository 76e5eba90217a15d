"""Review before publish in Chromium against a real server (ja is under review, as the project ships it): a
suggestion is invisible to visitors until a reviewer accepts it, reject with a reason, two suggestions on one
entry, the gate refusing a glossary violation with the text kept; axe on the pages review adds."""
from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app import create_app
from app.accounts import Accounts
from app.config import PROJECT_ROOT
from app.tooling.entry import EntryKey, find_message, strings_of
from app.tooling.pofile import read_po_file
from tests.browser.server import serve_app

PASSWORD = "correct horse battery"
ESTABLISHED = EntryKey("fact label", "Established")
STRATEGY = EntryKey(None, "Priority Strategy 17")
QUEUE = "/ja/translations/edit/review/"


@pytest.fixture(scope="module")
def review_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    translations = root / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", translations, ignore=shutil.ignore_patterns("*.mo"))
    config = {"TRANSLATIONS_DIR": translations, "EDITOR_ENABLED": True, "INSTANCE_DIR": root / "instance",
              "EDITOR_DB": root / "instance" / "editor.sqlite3", "TRANSLATION_STATUS_ENABLED": True}
    with serve_app(lambda base_url: create_app({"BASE_URL": base_url, **config})) as server:
        accounts = Accounts(config["EDITOR_DB"])
        for name, role in (("alice", "translator"), ("bob", "translator"), ("rita", "reviewer")):
            accounts.add(name, PASSWORD, role, ["ja"])
        yield server


@pytest.fixture
def ja_po(review_server):
    """The served ja catalog and the suggestions, as they were before each test."""
    path = review_server.translations_dir / "ja" / "LC_MESSAGES" / "messages.po"
    original = path.read_bytes()
    yield path
    path.write_bytes(original)
    with sqlite3.connect(review_server.app.config["EDITOR_DB"]) as db:
        db.execute("DELETE FROM suggestions")
        db.execute("DELETE FROM comments")


@pytest.fixture
def as_user(browser, review_server):
    contexts = []

    def signed_in(name: str | None):
        context = browser.new_context(base_url=review_server.url)
        contexts.append(context)
        page = context.new_page()
        if name:
            page.goto("/login")
            page.fill("#name", name)
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Sign in')")
        return page

    yield signed_in
    for context in contexts:
        context.close()


def edit_url(key: EntryKey) -> str:
    return f"/ja/translations/edit/{key.id}/"


def on_disk(po, key: EntryKey = ESTABLISHED) -> tuple[str, ...]:
    return strings_of(find_message(read_po_file(po).catalog, key))


def suggest(page, text: str, key: EntryKey = ESTABLISHED) -> None:
    page.goto(edit_url(key))
    page.fill("#msgstr-0", text)
    page.click("button[value=save]")
    expect(page.locator(".editor-flash")).to_contain_text("Suggested")


def test_a_suggestion_is_invisible_to_visitors_until_a_reviewer_accepts_it(as_user, ja_po):
    translator, reviewer, visitor = as_user("alice"), as_user("rita"), as_user(None)
    suggest(translator, "設立")
    assert on_disk(ja_po) == ("設置",)
    visitor.goto("/ja/office/")
    expect(visitor.locator("dt").filter(has_text="設置")).to_have_count(1)
    expect(visitor.locator("dt").filter(has_text="設立")).to_have_count(0)

    reviewer.goto(QUEUE)
    row = reviewer.locator("[data-role=suggestion]")
    expect(row).to_have_count(1)
    expect(row.locator("[data-role=suggestion-diff] del")).to_have_text("置")
    expect(row.locator("[data-role=suggestion-diff] ins")).to_have_text("立")
    row.locator("button[value=accept]").click()
    expect(reviewer.locator("[data-role=queue-total]")).to_contain_text("0 suggestions")
    assert on_disk(ja_po) == ("設立",)
    visitor.goto("/ja/office/")  # the next request
    expect(visitor.locator("dt").filter(has_text="設立")).to_have_count(1)


def test_reject_with_a_reason_the_translator_sees(as_user, ja_po):
    translator, reviewer = as_user("alice"), as_user("rita")
    suggest(translator, "設立")
    reviewer.goto(QUEUE)
    reviewer.locator("[data-role=suggestion] input[name=reason]").fill("「設置」 is the office's own word")
    reviewer.locator("[data-role=suggestion] button[value=reject]").click()
    expect(reviewer.locator(".editor-flash")).to_have_text("Rejected.")
    translator.goto(edit_url(ESTABLISHED))
    expect(translator.locator("[data-role=rejection]")).to_have_text("Reason: 「設置」 is the office's own word")
    assert on_disk(ja_po) == ("設置",)


def test_two_suggestions_on_one_entry_the_reviewer_edits_and_accepts_one(as_user, ja_po):
    alice, bob, reviewer = as_user("alice"), as_user("bob"), as_user("rita")
    suggest(alice, "設立")
    suggest(bob, "創設")
    reviewer.goto(edit_url(ESTABLISHED))
    suggestions = reviewer.locator("[data-role=suggestion]")
    expect(suggestions).to_have_count(2)
    bobs = suggestions.filter(has_text="bob")
    bobs.locator("textarea").fill("創設（設置）")
    bobs.locator("button[value=accept]").click()
    expect(reviewer.locator(".editor-flash")).to_have_text("Accepted: it is live.")
    assert on_disk(ja_po) == ("創設（設置）",)
    # Alice's is still open, now shown against the new live text
    alices = reviewer.locator("[data-role=suggestion][data-state=open]")
    expect(alices).to_have_count(1)
    expect(alices).to_contain_text("made against an earlier translation")


def test_the_gate_refuses_a_glossary_violation_and_keeps_the_text(as_user, ja_po):
    translator = as_user("alice")
    translator.goto(edit_url(STRATEGY))
    translator.fill("#msgstr-0", "重点戦略17")
    translator.click("button[value=save]")
    expect(translator.locator("[data-role=refused]")).to_contain_text("should be translated “重点戦略⑰”")
    expect(translator.locator("#msgstr-0")).to_have_value("重点戦略17")
    assert on_disk(ja_po, STRATEGY) == ("重点戦略⑰",)


def test_axe_finds_no_violation_on_the_review_queue_and_an_entry_with_suggestions_and_comments(
        as_user, ja_po, artifacts):
    translator, reviewer = as_user("alice"), as_user("rita")
    suggest(translator, "設立")
    translator.fill("#comment-text", "Is this the office's founding?")
    translator.check("#about-source")
    translator.click("button:has-text('Comment')")
    expect(translator.locator("[data-role=source-question]")).to_have_count(1)
    reviewer.goto(edit_url(ESTABLISHED))  # a reviewer's view has every form: decisions and "Mark answered"
    pages = {"review-queue": QUEUE, "entry-with-suggestion": edit_url(ESTABLISHED), "strings": "/ja/translations/edit/"}
    for name, url in pages.items():
        reviewer.goto(url)
        violations = Axe().run(reviewer).response["violations"]
        report = artifacts / "axe" / f"editor-{name}.json"
        report.parent.mkdir(exist_ok=True)
        report.write_text(json.dumps(violations, indent=2, ensure_ascii=False), encoding="utf-8")
        assert violations == [], (name, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations])
        reviewer.screenshot(path=artifacts / f"editor-{name}.png", full_page=True)
