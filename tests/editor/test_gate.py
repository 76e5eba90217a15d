"""The editor's gate is CI's gate: what `check` calls an error about an entry refuses the save (text kept),
a warning needs one more click, and nothing the editor accepts makes `check` exit 1."""
from __future__ import annotations

import random
import re

import pytest

from app.config import PROJECT_ROOT
from app.editor.store import Author, CatalogStore, Refused
from app.tooling.check import ProjectPaths, run_check
from app.tooling.entry import EntryKey, find_message, strings_of
from app.tooling.pofile import read_po_file
from app.tooling.report import exit_status
from tests.conftest import sign_in
from tests.editor.forms import form_of

ESTABLISHED = EntryKey("fact label", "Established")
STRATEGY = EntryKey(None, "Priority Strategy 17")
SUMMARY = EntryKey(None, "Tohoku University formulated its International Strategy to clarify guidelines and action "
                         "plans for further internationalization, in order to realize Priority Strategy 17 of "
                         "<em>Tohoku University Vision 2030</em>.")


def edit_url(key: EntryKey) -> str:
    return f"/ja/translations/edit/{key.id}/"


@pytest.fixture
def rita(editor_app):
    client = editor_app.test_client()
    sign_in(client, "rita")  # a reviewer: her save is written at once, so the catalog is what CI checks
    return client


@pytest.fixture
def alice(editor_app):
    client = editor_app.test_client()
    sign_in(client, "alice")
    return client


def save(client, key: EntryKey, strings, **extra):
    url = edit_url(key)
    fields = form_of(client.get(url).text) | {"msgstr": list(strings), "action": "save"}
    return client.post(url, data=fields | extra)


def check_exit(app) -> int:
    config = app.config
    return exit_status(run_check([], project=ProjectPaths.from_config(config), source_locale="en",
                                 draft_locales=config["DRAFT_LOCALES"]))


def test_the_projects_catalogs_pass_check_before_any_save(editor_app):
    assert check_exit(editor_app) == 0  # so any exit 1 below is the save's doing


def test_a_glossary_violation_is_refused_with_the_reason_and_the_text_kept(editor_app, alice, ja_po):
    before = ja_po.read_bytes()
    response = save(alice, STRATEGY, ["重点戦略17"])
    assert response.status_code == 422
    assert re.search(r'data-role="refused">Not saved: “Priority Strategy 17” should be translated “重点戦略⑰”.*'
                     r'\(glossary\)</p>', response.text)
    assert form_of(response.text)["msgstr"] == ["重点戦略17"]
    assert ja_po.read_bytes() == before
    assert check_exit(editor_app) == 0


def test_a_trailing_space_warns_and_needs_save_anyway(editor_app, rita, ja_po):
    response = save(rita, ESTABLISHED, ["設置 "])
    assert response.status_code == 422 and 'data-role="warnings"' in response.text
    assert "msgstr: msgid and msgstr do not both end with whitespace (whitespace-mismatch)" in response.text
    assert strings_of(find_message(read_po_file(ja_po).catalog, ESTABLISHED)) == ("設置",)
    form = form_of(response.text)
    assert form["msgstr"] == ["設置 "] and 'data-role="save-anyway"' in response.text
    confirmed = re.findall(r'name="confirmed" value="([^"]*)"', response.text)
    assert confirmed == ["設置 "]
    # the confirmation is for that text: another text is judged again
    assert save(rita, ESTABLISHED, ["設置  "], confirmed=confirmed).status_code == 422
    assert save(rita, ESTABLISHED, ["設置 "], confirmed=confirmed).status_code == 303
    assert strings_of(find_message(read_po_file(ja_po).catalog, ESTABLISHED)) == ("設置 ",)
    assert check_exit(editor_app) == 0  # a warning in CI too


# Every error code of docs/check-json-schema.md's table: a msgstr for one entry that `check` reports under
# that code (the editor must refuse it), or why no save of one entry's msgstr can produce it.
BY_SAVE = {
    "placeholder-mismatch": (ESTABLISHED, "設置 100%"),  # newstyle gettext runs `msgstr % variables`
    "unsafe-markup": (ESTABLISHED, "設置<b>!</b>"),
    "whitespace-mismatch": (ESTABLISHED, "設置\n"),  # a newline: an error (spaces: a warning, above)
    "untranslated": (ESTABLISHED, ""),
    "glossary": (STRATEGY, "重点戦略17"),
}
NOT_FROM_ONE_MSGSTR = {
    "syntax-error": "the store writes the entry in PO syntax and reads it back before writing the file",
    "encoding-error": "the catalog is UTF-8 and the store writes text, never bytes",
    "duplicate": "a save changes an existing entry's msgstr, never adds an entry",
    "unreadable": "about opening a file, not about its text",
    "header": "the header entry (msgid \"\") is not an entry of the editor",
    "plural-forms": "the number of forms is the entry's: a form with more or fewer msgstr is a 400 (tested below)",
    "fuzzy": "a save never sets the flag and keeps an already-fuzzy entry as it was; \"Mark fuzzy\" is the one "
             "deliberate exception (reviewer-only under review): it withdraws a translation for review",
    "obsolete": "a save never makes an entry obsolete (`update` does)",
    "missing-in-catalog": "a save never removes an entry or changes a msgid",
    "not-in-template": "a save never adds an entry or changes a msgid",
    "stale-mo": "about .mo files (only with --mo): the editor writes .po files",
    "stale-template": "about messages.pot against the sources",
    "literal-text": "about templates",
    "coverage": "only an untranslated entry lowers it, and emptying a translation is refused as untranslated",
}


def error_codes() -> set[str]:
    table = (PROJECT_ROOT / "docs" / "check-json-schema.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z-]+)` \| error", table, re.M))


def test_every_error_code_is_walked():
    codes = error_codes()
    assert len(codes) >= 19  # the table was read
    assert codes == set(BY_SAVE) | set(NOT_FROM_ONE_MSGSTR)


@pytest.mark.parametrize("code", sorted(BY_SAVE))
def test_each_entry_error_is_refused_by_the_editors_save(code, editor_app, rita, ja_po, tmp_path):
    key, text = BY_SAVE[code]
    # Written past the editor, `check` reports the code (the text really is what CI fails on)...
    original = ja_po.read_bytes()
    result = CatalogStore(ja_po, "ja", tmp_path / "db.sqlite3", git_commits=False).save(
        key, (text,), strings_of(find_message(read_po_file(ja_po).catalog, key)), Author("test"))
    if not isinstance(result, Refused):  # the store's own verdict refuses markup and placeholders already
        config = editor_app.config
        found = run_check([], project=ProjectPaths.from_config(config), source_locale="en").findings
        assert code in {f.code for f in found if f.severity == "error"}
        ja_po.write_bytes(original)
    # ...and through the editor it is refused, the reason named, the text kept, the file untouched.
    response = save(rita, key, [text])
    assert response.status_code == 422, code
    assert f"({code})" in re.search(r'data-role="refused">(.*?)</p>', response.text, re.S).group(1)
    assert form_of(response.text)["msgstr"] == [text]
    assert ja_po.read_bytes() == original


def test_a_save_with_another_number_of_forms_is_a_400(rita, ja_po):
    before = ja_po.read_bytes()
    assert save(rita, ESTABLISHED, ["設置", "設置"]).status_code == 400
    assert ja_po.read_bytes() == before


FRAGMENTS = ["設置", "重点戦略⑰", "重点戦略17", "<em>", "</em>", "<em>「東北大学ビジョン2030」</em>", "<b>", "%",
             "%%", "%(name)s", " ", "\n", '"', "「", "」", "策定", "東北大学", "&amp;", "&", "'", "<", ">"]


def candidates(seed: int, count: int):
    pick = random.Random(seed)
    for _ in range(count):
        key = pick.choice([ESTABLISHED, STRATEGY, SUMMARY])
        yield key, "".join(pick.choice(FRAGMENTS) for _ in range(pick.randint(0, 6)))


def test_no_save_the_editor_accepts_makes_check_exit_1(editor_app, rita, ja_po, tmp_path):
    """A property, over generated texts for three entries (plain, glossary term, HTML): after every save the
    editor accepts (with "Save anyway" where it warns), `check` exits 0; every text it refuses fails `check`
    when written past the editor (so the gate is not stricter than CI either)."""
    accepted = refused = 0
    for key, text in candidates(seed=16, count=40):
        response = save(rita, key, [text])
        if response.status_code == 422 and 'data-role="save-anyway"' in response.text:
            response = save(rita, key, [text], confirmed=[text])
        if response.status_code == 303:
            accepted += 1
            assert check_exit(editor_app) == 0, (key, text)
            continue
        assert response.status_code == 422, (key, text)
        refused += 1
        original = ja_po.read_bytes()
        past_the_gate = CatalogStore(ja_po, "ja", tmp_path / "db.sqlite3", git_commits=False).save(
            key, (text,), strings_of(find_message(read_po_file(ja_po).catalog, key)), Author("test"))
        if not isinstance(past_the_gate, Refused):
            assert check_exit(editor_app) == 1, (key, text)
            ja_po.write_bytes(original)
    assert accepted >= 5 and refused >= 5  # both sides of the property were exercised


def test_a_text_saved_fuzzy_is_judged_as_it_will_be_published(translations_copy, instance_dir, ja_po):
    """Where review is off a translator's save keeps a fuzzy entry fuzzy (`check` does not look at a fuzzy
    text), but the flag's clearing publishes the text as it is: the gate judges it now."""
    from tests.conftest import make_editor_app
    app = make_editor_app(translations_copy, instance_dir, REVIEW_LOCALES=())
    ja_po.write_text(ja_po.read_text(encoding="utf-8").replace(
        'msgid "Priority Strategy 17"', '#, fuzzy\nmsgid "Priority Strategy 17"'), encoding="utf-8")
    translator = app.test_client()
    sign_in(translator, "alice")
    response = save(translator, STRATEGY, ["重点戦略17"])
    assert response.status_code == 422 and "(glossary)" in response.text
    assert save(translator, STRATEGY, ["重点戦略⑰（改）"]).status_code == 303
    message = find_message(read_po_file(ja_po).catalog, STRATEGY)
    assert strings_of(message) == ("重点戦略⑰（改）",) and "fuzzy" in message.flags
