"""store.py: a save changes one entry (plus two header fields), never loses another writer's change, and
holds across processes."""
from __future__ import annotations

import difflib
import json
import multiprocessing
import subprocess
from pathlib import Path

import pytest

from app.editor.store import (Author, CatalogStore, Conflict, EntryGone, Refused, Saved,
                              validate)
from app.tooling.entry import EntryKey, find_message, strings_of
from app.tooling.formats import catalog_strict_forms
from app.tooling.po_patch import header_of
from app.tooling.pofile import CatalogError, read_po_file

CATALOG = r'''# A test catalog.
msgid ""
msgstr ""
"Project-Id-Version: test 1.0\n"
"PO-Revision-Date: 2020-01-01 00:00+0000\n"
"Last-Translator: Somebody\n"
"Language: ja\n"
"Plural-Forms: nplurals=1; plural=0;\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=utf-8\n"
"Content-Transfer-Encoding: 8bit\n"

#. A developer's note.
#: templates/home.html:3
msgctxt "navigation"
msgid "Home"
msgstr "ホーム"

#: templates/home.html:5
msgid "Untranslated"
msgstr ""

# A translator's comment.
#: templates/home.html:7
#, fuzzy, python-format
#| msgid "Old %(name)s"
msgid "Hello %(name)s"
msgstr "古い %(name)s"

#: templates/home.html:9
msgid "One partner."
msgid_plural "%(count)s partners."
msgstr[0] ""

#: templates/home.html:11
msgid "A <strong>bold</strong> claim"
msgstr ""

#: templates/home.html:13
msgid "Another untranslated"
msgstr ""
'''
HOME = EntryKey("navigation", "Home")
UNTRANSLATED = EntryKey(None, "Untranslated")
HELLO = EntryKey(None, "Hello %(name)s")
PLURAL = EntryKey(None, "One partner.")
BOLD = EntryKey(None, "A <strong>bold</strong> claim")
ANOTHER = EntryKey(None, "Another untranslated")
ALICE = Author("alice", "alice@example.ac.jp")


@pytest.fixture
def po(tmp_path) -> Path:
    path = tmp_path / "ja" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    path.write_text(CATALOG, encoding="utf-8")
    return path


@pytest.fixture
def store(po, tmp_path) -> CatalogStore:
    return CatalogStore(po, "ja", tmp_path / "instance" / "editor.sqlite3")


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_save_changes_that_entry_and_two_header_fields_only(store, po):
    result = store.save(UNTRANSLATED, ["未翻訳"], [""], ALICE)
    assert isinstance(result, Saved) and result.after == ("未翻訳",)
    diff = changed_lines(CATALOG, po.read_text(encoding="utf-8"))
    assert diff[0:2] == ['-"PO-Revision-Date: 2020-01-01 00:00+0000\\n"', '-"Last-Translator: Somebody\\n"']
    assert diff[2].startswith('+"PO-Revision-Date: 20') and diff[3] == '+"Last-Translator: alice <alice@example.ac.jp>\\n"'
    assert diff[4:] == ['-msgstr ""', '+msgstr "未翻訳"']
    msgfmt_check(po)


def test_saving_a_fuzzy_entry_clears_the_flag_and_previous_msgid_but_keeps_other_flags(store, po):
    store.save(HELLO, ["こんにちは %(name)s"], ["古い %(name)s"], ALICE)
    diff = changed_lines(CATALOG, po.read_text(encoding="utf-8"))[4:]
    assert diff == ['-#, fuzzy, python-format', '-#| msgid "Old %(name)s"', '+#, python-format',
                    '-msgstr "古い %(name)s"', '+msgstr "こんにちは %(name)s"']
    message = find_message(read_po_file(po).catalog, HELLO)
    assert message.flags == {"python-format"}


def test_mark_fuzzy_adds_the_flag_where_babel_writes_it(store, po):
    result = store.save(HOME, ["ホーム"], ["ホーム"], ALICE, fuzzy=True, action="fuzzy")
    assert isinstance(result, Saved) and result.fuzzy
    text = po.read_text(encoding="utf-8")
    assert "#: templates/home.html:3\n#, fuzzy\nmsgctxt \"navigation\"" in text
    assert changed_lines(CATALOG, text)[4:] == ["+#, fuzzy"]


def test_plural_forms_and_long_text_are_written_as_babel_wraps_them(store, po):
    long = "とても 長い 翻訳。" * 20 + "%(count)s校"
    assert isinstance(store.save(PLURAL, [long], [""], ALICE), Saved)
    msgfmt_check(po)
    message = find_message(read_po_file(po).catalog, PLURAL)
    assert strings_of(message) == (long,)
    text = po.read_text(encoding="utf-8")
    assert 'msgstr[0] ""\n"とても 長い 翻訳。' in text  # wrapped: an empty first line, as write_po does
    assert "+msgid" not in "\n".join(changed_lines(CATALOG, text))


def test_an_unchanged_save_writes_nothing(store, po):
    before = po.stat().st_mtime_ns
    assert store.save(HOME, ["ホーム"], ["ホーム"], ALICE) == Saved(("ホーム",), ("ホーム",), False)
    assert po.stat().st_mtime_ns == before and store.history(HOME) == []


def test_a_changed_entry_is_a_conflict_and_nothing_is_written(store, po):
    po.write_text(CATALOG.replace('msgstr "ホーム"', 'msgstr "トップ"'), encoding="utf-8")
    before = po.read_bytes()
    result = store.save(HOME, ["ホームページ"], ["ホーム"], ALICE)
    assert result == Conflict(on_disk=("トップ",), yours=("ホームページ",))
    assert po.read_bytes() == before


def test_another_entry_changed_on_disk_is_kept(store, po):
    """A text editor (or git pull) changed a different entry after the form was loaded: both survive."""
    po.write_text(CATALOG.replace('msgid "Another untranslated"\nmsgstr ""',
                                  'msgid "Another untranslated"\nmsgstr "別の翻訳"'), encoding="utf-8")
    assert isinstance(store.save(UNTRANSLATED, ["未翻訳"], [""], ALICE), Saved)
    catalog = read_po_file(po).catalog
    assert strings_of(find_message(catalog, ANOTHER)) == ("別の翻訳",)
    assert strings_of(find_message(catalog, UNTRANSLATED)) == ("未翻訳",)


@pytest.mark.parametrize("text, reason", [
    ("<strong onclick=alert(1)>太字</strong>の主張", "onclick"),
    ("<em>太字</em>の主張", "<em>"),
])
def test_the_checks_verdict_refuses_and_nothing_is_written(store, po, text, reason):
    result = store.save(BOLD, [text], [""], ALICE)
    assert isinstance(result, Refused) and reason in result.reason
    assert po.read_text(encoding="utf-8") == CATALOG


def test_validate_is_the_verdict_of_check():
    assert validate(("50 %(n)s",), ("%(n)s 50% off",)) is not None  # a stray % breaks newstyle gettext
    assert validate(("One partner.", "%(count)s partners."), ("%(count)s校",)) is None
    assert "msgstr[0]" in validate(("One partner.", "%(count)s partners."), ("%(bogus)s校",))
    assert validate(("A <strong>b</strong>",), ("<strong>b</strong>",)) is None


def test_a_vanished_entry_and_a_broken_file_raise_and_write_nothing(store, po):
    with pytest.raises(EntryGone):
        store.save(EntryKey(None, "No such entry"), ["x"], [""], ALICE)
    po.write_text(CATALOG + 'msgid "broken\n', encoding="utf-8")
    with pytest.raises(CatalogError):
        store.save(UNTRANSLATED, ["未翻訳"], [""], ALICE)
    assert po.read_text(encoding="utf-8").endswith('msgid "broken\n')


def test_wrong_number_of_forms_is_refused(store):
    assert isinstance(store.save(UNTRANSLATED, ["a", "b"], [""], ALICE), Refused)


def test_crlf_files_keep_their_form(store, po):
    # (A byte-order mark makes the file invalid for msgfmt, and so for the reader: nothing to save into.)
    po.write_bytes(CATALOG.replace("\n", "\r\n").encode())
    assert isinstance(store.save(UNTRANSLATED, ["未翻訳"], [""], ALICE), Saved)
    data = po.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert 'msgstr "未翻訳"\r\n' in data.decode()


def test_history_records_who_what_and_before_after(store):
    store.save(UNTRANSLATED, ["一"], [""], ALICE)
    store.save(UNTRANSLATED, ["二"], ["一"], Author("bob"), action="revert")
    rows = store.history(UNTRANSLATED)
    assert [(r["user"], r["action"], r["before"], r["after"]) for r in rows] == [
        ("bob", "revert", ("一",), ("二",)), ("alice", "save", ("",), ("一",))]
    assert store.history(HOME) == []


def _save_many(po: str, db: str, msgid: str, count: int) -> None:
    from app.editor.store import CatalogBusy
    store = CatalogStore(Path(po), "ja", Path(db))
    base = ""
    for number in range(count):
        text = f"{msgid} {number}"
        while True:  # the lock is waited for 2 s at most: on a loaded machine, try again as a translator would
            try:
                result = store.save(EntryKey(None, msgid), [text], [base], Author(f"p{msgid}"))
                break
            except CatalogBusy:
                pass
        assert isinstance(result, Saved), result
        base = text


def test_concurrent_saves_from_several_processes_all_land(po, tmp_path):
    """Four processes, four entries, 15 saves each: the lock makes every read-patch-replace whole."""
    keys = ["Untranslated", "Another untranslated", "A <strong>bold</strong> claim"]
    po.write_text(CATALOG + "".join(f'\nmsgid "extra {i}"\nmsgstr ""\n' for i in range(5)), encoding="utf-8")
    keys += [f"extra {i}" for i in range(5)]
    db = tmp_path / "instance" / "editor.sqlite3"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_save_many, args=(str(po), str(db), key, 15)) for key in keys]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    catalog = read_po_file(po).catalog
    for key in keys:
        assert strings_of(find_message(catalog, EntryKey(None, key))) == (f"{key} 14",)
    msgfmt_check(po)
    store = CatalogStore(po, "ja", db)
    assert sum(len(store.history(EntryKey(None, key))) for key in keys) == 15 * len(keys)


def test_a_tracked_catalog_gets_a_commit_by_the_translator(po, tmp_path):
    repo = po.parents[2]
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    (repo / "unrelated.txt").write_text("staged, not the editor's")
    subprocess.run([*git, "add", "unrelated.txt"], check=True)
    store = CatalogStore(po, "ja", tmp_path / "editor.sqlite3")
    result = store.save(UNTRANSLATED, ["未翻訳"], [""], ALICE)
    assert result.git_commit
    log = subprocess.run([*git, "log", "-1", "--format=%an <%ae>|%s", "--name-only"], capture_output=True,
                         text=True, check=True).stdout
    assert log.startswith("alice <alice@example.ac.jp>|ja: save 'Untranslated'")
    assert "ja/LC_MESSAGES/messages.po" in log and "unrelated.txt" not in log
    assert store.history(UNTRANSLATED)[0]["git_commit"] == result.git_commit
    assert json.loads(json.dumps(result.after)) == ["未翻訳"]


def test_on_the_project_catalog_the_diff_is_one_entry_and_two_header_fields(ja_po, tmp_path):
    before = ja_po.read_text(encoding="utf-8")
    store = CatalogStore(ja_po, "ja", tmp_path / "editor.sqlite3")
    key = EntryKey("fact label", "Established")
    current = strings_of(find_message(read_po_file(ja_po).catalog, key))
    assert isinstance(store.save(key, ["設立"], current, ALICE), Saved)
    diff = changed_lines(before, ja_po.read_text(encoding="utf-8"))
    assert len(diff) == 6 and diff[4:] == [f'-msgstr "{current[0]}"', '+msgstr "設立"']
    assert {line[1:].split(":")[0] for line in diff[:4]} == {'"PO-Revision-Date', '"Last-Translator'}
    msgfmt_check(ja_po)


def test_a_file_changed_by_anyone_else_is_validated_whole_again(store, po):
    """The second save finds the entry without a full parse (the file is the one the first wrote); once a
    text editor has touched the file, the next save parses all of it and refuses a broken one."""
    assert isinstance(store.save(UNTRANSLATED, ["一"], [""], ALICE), Saved)
    assert isinstance(store.save(UNTRANSLATED, ["二"], ["一"], ALICE), Saved)  # the fast path
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "Untranslated"\nmsgstr "dup"\n', encoding="utf-8")
    with pytest.raises(CatalogError):
        store.save(UNTRANSLATED, ["三"], ["二"], ALICE)


def test_the_same_msgid_in_two_contexts_is_two_entries(store, po):
    po.write_text(CATALOG + '\nmsgctxt "footer"\nmsgid "Untranslated"\nmsgstr ""\n', encoding="utf-8")
    assert isinstance(store.save(UNTRANSLATED, ["本文"], [""], ALICE), Saved)
    assert isinstance(store.save(EntryKey("footer", "Untranslated"), ["脚注"], [""], ALICE), Saved)
    assert isinstance(store.save(UNTRANSLATED, ["本文2"], ["本文"], ALICE), Saved)
    catalog = read_po_file(po).catalog
    assert strings_of(find_message(catalog, UNTRANSLATED)) == ("本文2",)
    assert strings_of(find_message(catalog, EntryKey("footer", "Untranslated"))) == ("脚注",)
    assert store.entry(EntryKey("footer", "Untranslated"))[0].string == "脚注"
    assert store.entry(HELLO)[1] == "Old %(name)s" and store.entry(HOME)[1] is None


def test_a_lock_held_too_long_is_busy_and_nothing_is_written(store, po):
    from app.editor import store as store_module
    with store_module.catalog_lock(po):
        with pytest.raises(store_module.CatalogBusy):
            with store_module.catalog_lock(po, timeout=0.05):
                pass
    assert po.read_text(encoding="utf-8") == CATALOG


@pytest.mark.parametrize("change, valid", [
    (lambda t: t.replace('msgid "Another untranslated"\nmsgstr ""', 'msgid "Another untranslated"\nmsgstr "別"'), True),
    (lambda t: t.replace('msgid "Another untranslated"\nmsgstr ""', 'msgid "Another untranslated"\nmsgstr "別'), False),
    (lambda t: t + '\nmsgid "Untranslated"\nmsgstr "dup"\n', False),
    (lambda t: t.replace('msgstr "ホーム"', 'msgstr "ホーム"\n\n"continued after a blank line"'), False),
    (lambda t: t + "\n" + "".join(f'msgid "new {n}"\nmsgstr ""\n\n' for n in range(20000)), False),  # too big
])
def test_a_change_by_someone_else_is_validated_as_a_diff_when_small(store, po, change, valid):
    from app.editor.store import _valid_change
    store.save(UNTRANSLATED, ["一"], [""], ALICE)  # leaves the valid version beside the catalog
    changed = change(po.read_text(encoding="utf-8")).encode()
    assert _valid_change(po, changed) is valid
    po.write_bytes(changed)
    if valid:
        assert isinstance(store.save(UNTRANSLATED, ["二"], ["一"], ALICE), Saved)
        assert strings_of(find_message(read_po_file(po).catalog, ANOTHER)) == ("別",)


def test_changes_far_apart_in_a_big_catalog_are_still_validated_as_a_diff(store, po):
    from app.editor.store import _valid_change
    po.write_text(CATALOG + "".join(f'\nmsgid "filler {n}"\nmsgstr "{"x" * 60}"\n' for n in range(8000)),
                  encoding="utf-8")
    store.save(UNTRANSLATED, ["一"], [""], ALICE)
    text = po.read_text(encoding="utf-8")
    changed = text.replace('msgid "filler 1"\nmsgstr "', 'msgid "filler 1"\nmsgstr "changed ').replace(
        'msgid "filler 7999"\nmsgstr "', 'msgid "filler 7999"\nmsgstr "changed ')
    assert _valid_change(po, changed.encode())  # two blocks, ~600 KB apart: each parsed on its own
    assert not _valid_change(po, changed.replace('msgid "filler 5"', 'msgid "filler 6"').encode())  # a duplicate


def strict_forms_of(plural_forms: str) -> frozenset[int] | None:
    """The strict forms a save uses for a catalog with this Plural-Forms: its header as the reader reads it."""
    data = f'msgid ""\nmsgstr "Plural-Forms: {plural_forms}\\n"\n\nmsgid "x"\nmsgstr ""\n'.encode()
    return catalog_strict_forms(header_of(data).catalog)


def test_a_save_gets_the_sites_plural_verdict_for_the_catalogs_plural_rule():
    """Russian-style rule: forms 0, 1 and 2 are each used for many n, so each must keep the number (msgfmt -c,
    and so the site, refuses "партнёр" for "%(num)s partners"); a one-form rule checks msgstr[0] strictly."""
    russian = strict_forms_of('nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && '
                              'n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);')
    ids = ("One partner.", "%(num)s partners.")
    assert validate(ids, ("партнёр", "%(num)s партнёра", "%(num)s партнёров"), russian)
    assert validate(ids, ("%(num)s партнёр", "%(num)s партнёра", "%(num)s партнёров"), russian) is None
    japanese = strict_forms_of("nplurals=1; plural=0;")
    assert validate(ids, ("校",), japanese) and validate(ids, ("%(num)s校",), japanese) is None


def test_a_save_never_patches_a_file_whose_other_entry_became_invalid_utf8(ja_po, tmp_path):
    store = CatalogStore(ja_po, "ja", tmp_path / "db.sqlite3", git_commits=False)
    home = EntryKey("navigation", "Home")
    current = strings_of(store.entry(home)[0])
    assert isinstance(store.save(home, ("ホーム",), current, Author("a")), Saved)  # seen valid by this process
    broken = ja_po.read_bytes().replace('msgstr "本文へスキップ"'.encode(), b'msgstr "\xff\xfe"')
    ja_po.write_bytes(broken)
    with pytest.raises(CatalogError):
        store.save(home, ("ホーム改",), ("ホーム",), Author("a"))
    assert ja_po.read_bytes() == broken
