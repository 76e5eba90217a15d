"""The translation editor in Chromium against a real server: sign in, translate, preview, save, see it live;
the conflict page; two translators on different entries; a refused translation; access rules."""
from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from app import create_app
from app.config import PROJECT_ROOT
from app.accounts import Accounts
from app.tooling.entry import EntryKey, find_message, strings_of
from app.tooling.pofile import read_po_file
from tests.browser.server import serve_app

PASSWORD = "correct horse battery"
ESTABLISHED = EntryKey("fact label", "Established")
PUBLISHED = EntryKey("fact label", "Published")


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("editor")
    translations = root / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", translations, ignore=shutil.ignore_patterns("*.mo"))
    config = {"TRANSLATIONS_DIR": translations, "EDITOR_ENABLED": True, "INSTANCE_DIR": root / "instance",
              "EDITOR_DB": root / "instance" / "editor.sqlite3"}
    with serve_app(lambda base_url: create_app({"BASE_URL": base_url, **config})) as server:
        accounts = Accounts(config["EDITOR_DB"])
        for name, role, locale in (("alice", "translator", "ja"), ("rita", "reviewer", "ja"),
                                   ("frank", "translator", "fr"), ("mallory", "translator", "ja")):
            accounts.add(name, PASSWORD, role, [locale])
        yield server


@pytest.fixture
def ja_po(editor_server):
    """The served ja catalog, restored after each test."""
    path = editor_server.translations_dir / "ja" / "LC_MESSAGES" / "messages.po"
    original = path.read_bytes()
    yield path
    path.write_bytes(original)


@pytest.fixture
def open_context(browser, editor_server):
    contexts = []

    def new_context():
        context = browser.new_context(base_url=editor_server.url)
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()


def signed_in_page(open_context, name: str):
    page = open_context().new_page()
    page.goto("/ja/translations/edit/")
    expect(page).to_have_url(re.compile(r"/login\?next="))  # nobody signed in: the login form first
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    return page


def edit_url(key: EntryKey) -> str:
    return f"/ja/translations/edit/{key.id}/"


def on_disk(po, key: EntryKey) -> tuple[str, ...]:
    return strings_of(find_message(read_po_file(po).catalog, key))


def test_translate_an_untranslated_string_preview_it_save_it_and_see_it_live(open_context, ja_po):
    text = ja_po.read_text(encoding="utf-8")
    ja_po.write_text(text.replace('msgid "Established"\nmsgstr "設置"', 'msgid "Established"\nmsgstr ""'),
                     encoding="utf-8")
    page = signed_in_page(open_context, "alice")
    expect(page.locator("[data-count=untranslated]")).to_have_text("1 untranslated")
    page.click(f"tr[data-entry='{ESTABLISHED.id}'] a")
    expect(page.locator("[data-role=msgid]")).to_have_text("Established")
    page.fill("#msgstr-0", "設立")
    with page.expect_popup() as popup_info:
        page.click("button:has-text('Preview in context')")
    preview = popup_info.value
    expect(preview.locator(".facts dt, dt").filter(has_text="設立")).to_have_count(1)
    expect(preview.locator(".editor-preview")).to_contain_text("only you see it")
    preview.close()
    assert on_disk(ja_po, ESTABLISHED) == ("",)  # a preview saves nothing
    page.click("button[value=save]")
    expect(page.locator(".editor-flash")).to_have_text("Saved.")
    assert on_disk(ja_po, ESTABLISHED) == ("設立",)
    visitor = open_context().new_page()
    visitor.goto("/ja/office/")
    expect(visitor.locator("dt").filter(has_text="設立")).to_have_count(1)
    expect(visitor.locator("[data-role=translate-this-page]")).to_have_count(0)
    page.goto("/ja/office/")
    page.click("[data-role=translate-this-page]")
    expect(page.locator(f"tr[data-entry='{ESTABLISHED.id}']")).to_have_count(1)


def test_two_translators_on_one_entry_get_the_conflict_page(open_context, ja_po):
    first, second = signed_in_page(open_context, "alice"), signed_in_page(open_context, "rita")
    for page in (first, second):
        page.goto(edit_url(ESTABLISHED))
    first.fill("#msgstr-0", "設立（アリス）")
    second.fill("#msgstr-0", "設立（リタ）")
    first.click("button[value=save]")
    expect(first.locator(".editor-flash")).to_have_text("Saved.")
    second.click("button[value=save]")
    expect(second.locator("[data-role=conflict]")).to_be_visible()
    expect(second.locator("[data-role=on-disk]")).to_have_text("設立（アリス）")
    expect(second.locator("#msgstr-0")).to_have_value("設立（リタ）")  # her text is kept
    assert on_disk(ja_po, ESTABLISHED) == ("設立（アリス）",)
    second.click("button[value=save]")  # having seen Alice's, she replaces it knowingly
    expect(second.locator(".editor-flash")).to_have_text("Saved.")
    assert on_disk(ja_po, ESTABLISHED) == ("設立（リタ）",)


def test_two_translators_on_different_entries_are_both_saved(open_context, ja_po):
    first, second = signed_in_page(open_context, "alice"), signed_in_page(open_context, "rita")
    first.goto(edit_url(ESTABLISHED))
    second.goto(edit_url(PUBLISHED))
    first.fill("#msgstr-0", "設立")
    second.fill("#msgstr-0", "公表")
    first.click("button[value=save]")
    second.click("button[value=save]")
    for page in (first, second):
        expect(page.locator(".editor-flash")).to_have_text("Saved.")
    assert on_disk(ja_po, ESTABLISHED) == ("設立",) and on_disk(ja_po, PUBLISHED) == ("公表",)


def test_a_refused_translation_stays_in_the_form_with_its_reason(open_context, ja_po):
    before = ja_po.read_bytes()
    page = signed_in_page(open_context, "alice")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(edit_url(ESTABLISHED))
    hostile = '設置<img src=x onerror="alert(1)">'
    page.fill("#msgstr-0", hostile)
    page.click("button[value=save]")
    expect(page.locator("[data-role=refused]")).to_contain_text("onerror=\"alert(1)\">, but the English is plain text")
    expect(page.locator("#msgstr-0")).to_have_value(hostile)
    assert page.locator("img").count() == 0 and dialogs == []
    assert ja_po.read_bytes() == before


def test_no_access_without_signing_in_and_403_for_another_locale(open_context):
    anonymous = open_context().new_page()
    response = anonymous.goto(edit_url(ESTABLISHED))
    assert anonymous.url.endswith(f"/login?next={edit_url(ESTABLISHED)}") and response.status == 200
    frank = signed_in_page(open_context, "frank")  # a translator of French
    response = frank.goto("/ja/translations/edit/")
    assert response.status == 403


def test_a_post_without_csrf_token_is_400(open_context, ja_po):
    before = ja_po.read_bytes()
    page = signed_in_page(open_context, "alice")
    response = page.request.post(page.url.split("/ja/")[0] + edit_url(ESTABLISHED),
                                 form={"msgstr": "設立", "base": "設置", "action": "save"})
    assert response.status == 400
    assert ja_po.read_bytes() == before


def test_throttled_after_repeated_failed_logins(open_context):
    page = open_context().new_page()
    page.goto("/login")
    for _ in range(5):
        page.fill("#name", "mallory")
        page.fill("#password", "not the password")
        page.click("button:has-text('Sign in')")
        expect(page.locator("[data-role=error]")).to_have_text("Wrong name or password.")
    page.fill("#name", "mallory")
    page.fill("#password", PASSWORD)
    with page.expect_response(lambda r: r.url.endswith("/login")) as response:
        page.click("button:has-text('Sign in')")
    assert response.value.status == 429
    expect(page.locator("[data-role=error]")).to_contain_text("Too many failed sign-ins for this name: try again in")
