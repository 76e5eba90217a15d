"""The editor's browser-side tools in Chromium: QA while typing (static/editor.js) and the same page without
JavaScript, one-click memory and shortcuts, the password and users pages, a Poedit-saved upload with one
conflict, and axe on every editor page (0 violations). Screenshots of the entry, review and users pages go
to test-artifacts/, and to docs/screenshots/ with EDITOR_SCREENSHOTS=docs/screenshots (scripts/editor-screenshots.sh).
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel.messages.pofile import write_po
from playwright.sync_api import expect

from app import create_app
from app.accounts import Accounts
from app.config import PROJECT_ROOT
from app.tooling.entry import EntryKey, find_message, strings_of
from app.tooling.pofile import read_po_file
from tests.browser.server import serve_app

PASSWORD = "correct horse battery"
ESTABLISHED = EntryKey("fact label", "Established")  # 設置
WHAT = EntryKey("fact label", "What it is")  # 概要
SUMMARY = EntryKey(None, "Tohoku University formulated its International Strategy to clarify guidelines and action "
                         "plans for further internationalization, in order to realize Priority Strategy 17 of "
                         "<em>Tohoku University Vision 2030</em>.")
PAGE_TITLE = EntryKey("page title", "Tohoku University’s International Strategy")  # memory: the site name
AXE = Axe()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("editor-tools")
    translations = root / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", translations, ignore=shutil.ignore_patterns("*.mo"))
    # ja without review: the tools' saves and uploads are written at once (review has its own browser tests)
    config = {"TRANSLATIONS_DIR": translations, "EDITOR_ENABLED": True, "TRANSLATION_STATUS_ENABLED": True,
              "REVIEW_LOCALES": (),
              "INSTANCE_DIR": root / "instance", "EDITOR_DB": root / "instance" / "editor.sqlite3"}
    with serve_app(lambda base_url: create_app({"BASE_URL": base_url, **config})) as live:
        accounts = Accounts(config["EDITOR_DB"])
        for name, role in (("alice", "translator"), ("rita", "reviewer"), ("ada", "admin"), ("paul", "translator")):
            accounts.add(name, PASSWORD, role, ["ja"])
        yield live


@pytest.fixture
def ja_po(server):
    path = server.translations_dir / "ja" / "LC_MESSAGES" / "messages.po"
    original = path.read_bytes()
    yield path
    path.write_bytes(original)


@pytest.fixture
def open_page(browser, server):
    contexts = []

    def new_page(name: str | None = "alice", **options):
        context = browser.new_context(base_url=server.url, **options)
        contexts.append(context)
        page = context.new_page()
        if name:
            page.goto("/login")
            page.fill("#name", name)
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Sign in')")
            expect(page).not_to_have_url(re.compile(r"/login"))
        return page

    yield new_page
    for context in contexts:
        context.close()


def edit_url(key: EntryKey) -> str:
    return f"/ja/translations/edit/{key.id}/"


def on_disk(po, key: EntryKey) -> tuple[str, ...]:
    return strings_of(find_message(read_po_file(po).catalog, key))


def screenshot(page, artifacts, name: str) -> None:
    page.screenshot(path=artifacts / "screenshots" / f"editor-{name}.png", full_page=True)
    target = os.environ.get("EDITOR_SCREENSHOTS")
    if target:
        page.screenshot(path=PROJECT_ROOT / target / f"{name}.png", full_page=True)


def test_placeholders_and_tags_are_highlighted_and_checked_as_you_type(open_page, ja_po, artifacts):
    page = open_page()
    page.goto(edit_url(SUMMARY))
    expect(page.locator("[data-role=msgid] mark.qa-token")).to_have_text(["<em>", "</em>"])
    expect(page.locator("[data-role=qa-verdict]")).to_contain_text("Would be accepted.")
    expect(page.locator("[data-role=qa-glossary] li").filter(has_text="重点戦略⑰")).to_have_text(
        "Priority Strategy 17 → 重点戦略⑰: used")
    screenshot(page, artifacts, "entry")
    text = page.input_value("#msgstr-0")
    page.fill("#msgstr-0", text.replace("</em>", "").replace("重点戦略⑰", "重点戦略17") + "<b>")
    expect(page.locator("[data-role=qa-problems]")).to_have_text(
        "Missing from the translation: </em>. Not in the English: <b>")
    expect(page.locator("[data-role=qa-mirror] mark.qa-extra")).to_have_text("<b>")
    expect(page.locator("[data-role=qa-verdict] p").first).to_contain_text("Would be refused")
    expect(page.locator("[data-role=qa-glossary] li").filter(has_text="重点戦略⑰")).to_have_text(
        "Priority Strategy 17 → 重点戦略⑰: missing")
    english = page.locator("[data-role=msgid]").inner_text()
    expect(page.locator("[data-role=qa-length]")).to_contain_text(f"(English: {len(english)})")
    page.click("[data-role=copy-english]")
    expect(page.locator("#msgstr-0")).to_have_value(english)


def test_one_click_memory_and_the_shortcuts(open_page, ja_po):
    text = ja_po.read_text(encoding="utf-8")
    ja_po.write_text(text.replace('msgid "Tohoku University’s International Strategy"\nmsgstr "東北大学 国際戦略"',
                                  'msgid "Tohoku University’s International Strategy"\nmsgstr ""'), encoding="utf-8")
    page = open_page()
    page.goto(edit_url(PAGE_TITLE))
    suggestion = page.locator("[data-suggestion='1'] td").nth(2).inner_text()
    assert suggestion == "東北大学 国際戦略"
    page.click("[data-suggestion='1'] [data-role=use-suggestion]")
    expect(page.locator("#msgstr-0")).to_have_value(suggestion)
    page.fill("#msgstr-0", "")
    page.keyboard.press("Alt+Shift+Digit1")
    expect(page.locator("#msgstr-0")).to_have_value(suggestion)
    page.keyboard.press("Control+Enter")
    expect(page.locator(".editor-flash")).to_have_text("Saved.")
    assert on_disk(ja_po, PAGE_TITLE) == (suggestion,)
    here = page.url
    expect(page.locator("[data-role=qa-panel]")).to_have_count(1)  # the reloaded page's script has run
    page.keyboard.press("Alt+ArrowDown")
    expect(page).not_to_have_url(here)
    expect(page.locator("[data-role=qa-panel]")).to_have_count(1)
    page.keyboard.press("Alt+ArrowUp")
    expect(page).to_have_url(here)


def test_without_javascript_the_entry_page_still_saves(open_page, ja_po):
    page = open_page(java_script_enabled=False)
    page.goto(edit_url(ESTABLISHED))
    expect(page.locator("[data-role=qa-panel]")).to_have_count(0)  # no script ran
    expect(page.locator("[data-role=shortcuts]")).to_contain_text("Keyboard shortcuts")
    page.fill("#msgstr-0", "設立")
    page.click("button[value=save]")
    expect(page.locator(".editor-flash")).to_have_text("Saved.")
    assert on_disk(ja_po, ESTABLISHED) == ("設立",)


def test_a_user_changes_their_password(open_page):
    page = open_page("paul")
    page.click("a:has-text('Password')")
    page.fill("#current", PASSWORD)
    page.fill("#new", "a much better passphrase")
    page.fill("#confirm", "a much better passphrase")
    page.click("button:has-text('Change password')")
    expect(page.locator(".editor-flash")).to_contain_text("Password changed.")
    other = open_page(None)
    other.goto("/login")
    other.fill("#name", "paul")
    other.fill("#password", "a much better passphrase")
    other.click("button:has-text('Sign in')")
    expect(other).to_have_url(re.compile(r"/ja/translations/edit/"))


def test_an_admin_adds_a_user_who_can_then_sign_in(open_page, artifacts):
    page = open_page("ada")
    page.click("a:has-text('Users')")
    page.fill("#new-name", "nina")
    page.fill("#new-password", "nina's long password")
    page.select_option("#new-role", "translator")
    page.locator("[data-role=add-user] input[name=locales][value=ja]").check()
    page.click("button:has-text('Add user')")
    expect(page.locator(".editor-flash")).to_have_text("Added nina.")
    expect(page.locator("tr[data-user=nina]")).to_have_count(1)
    expect(page.locator("[data-role=account-audit] tbody tr").first.locator("td")).to_have_text(
        [re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"), "ada", "add", "nina", "translator ja"])
    screenshot(page, artifacts, "users")
    nina = open_page(None)
    nina.goto("/login")
    nina.fill("#name", "nina")
    nina.fill("#password", "nina's long password")
    nina.click("button:has-text('Sign in')")
    expect(nina).to_have_url(re.compile(r"/ja/translations/edit/$"))


def poedit_saved(po_path, changes: dict[EntryKey, str]) -> bytes:
    """The catalog as Poedit saves it: rewritten whole (its own line wrapping and header), not patched."""
    catalog = read_po_file(po_path).catalog
    for key, text in changes.items():
        find_message(catalog, key).string = text
    catalog.last_translator = "Alice <alice@example.org>"
    out = io.BytesIO()
    write_po(out, catalog, width=79, sort_output=False)
    return out.getvalue().replace(b'"Generated-By:', b'"X-Generator: Poedit 3.4.2\\n"\n"Generated-By:')


def test_upload_of_a_poedit_saved_file_with_one_conflict(open_page, ja_po, tmp_path, server):
    page = open_page()
    page.goto("/ja/translations/edit/")
    page.click("[data-role=transfer]")
    with page.expect_download() as download_info:
        page.click("[data-role=download]")
    downloaded = tmp_path / "messages-ja.po"
    download_info.value.save_as(downloaded)
    assert downloaded.read_bytes() == ja_po.read_bytes()
    # rita changes "What it is" in the browser while alice works offline on both entries.
    rita = open_page("rita")
    rita.goto(edit_url(WHAT))
    rita.fill("#msgstr-0", "概要（改）")
    rita.click("button[value=save]")
    expect(rita.locator(".editor-flash")).to_have_text("Saved.")
    edited = tmp_path / "poedit" / "messages-ja.po"
    edited.parent.mkdir()
    edited.write_bytes(poedit_saved(downloaded, {ESTABLISHED: "設立", WHAT: "あらまし"}))
    page.set_input_files("#catalog", str(edited))
    page.click("button:has-text('Upload and merge')")
    expect(page.locator("[data-count=saved]")).to_have_text("1 saved")
    expect(page.locator("[data-count=conflicts]")).to_have_text("1 conflicts (not saved)")
    expect(page.locator(f"[data-role=summary] tr[data-entry='{WHAT.id}']")).to_contain_text("概要（改）")
    assert on_disk(ja_po, ESTABLISHED) == ("設立",) and on_disk(ja_po, WHAT) == ("概要（改）",)


EDITOR_PAGES = {
    "sign-in": ("/login", None),
    "list": ("/ja/translations/edit/", "alice"),
    "entry": (edit_url(SUMMARY), "alice"),
    "history": (edit_url(ESTABLISHED) + "history", "alice"),
    "upload": ("/ja/translations/edit/upload", "alice"),
    "password": ("/translations/account/password", "alice"),
    "users": ("/translations/admin/users", "ada"),
    "review": ("/ja/translations/review/office/", "alice"),
}


@pytest.mark.parametrize("name", [*EDITOR_PAGES, "preview", "conflict"])
def test_axe_finds_no_violation_on_any_editor_page(open_page, ja_po, artifacts, name):
    if name in EDITOR_PAGES:
        url, user = EDITOR_PAGES[name]
        page = open_page(user)
        page.goto(url)
        if name == "review":
            screenshot(page, artifacts, "review")
    elif name == "preview":
        page = open_page()
        page.goto(edit_url(ESTABLISHED))
        with page.expect_popup() as popup:
            page.click("button:has-text('Preview in context')")
        page = popup.value
        expect(page.locator("mark.editor-draft").first).to_be_visible()
    else:
        page = open_page()
        page.goto(edit_url(ESTABLISHED))
        ja_po.write_text(ja_po.read_text(encoding="utf-8").replace('msgstr "設置"', 'msgstr "設立年"'),
                         encoding="utf-8")
        page.fill("#msgstr-0", "設立")
        page.click("button[value=save]")
        expect(page.locator("[data-role=conflict-diff]")).to_be_visible()
    page.wait_for_load_state("networkidle")
    violations = AXE.run(page).response["violations"]
    report = artifacts / "axe" / f"editor-{name}.json"
    report.parent.mkdir(exist_ok=True)
    report.write_text(json.dumps(violations, indent=2, ensure_ascii=False), encoding="utf-8")
    assert not violations, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
                                     for v in violations)
