"""po_delta: a save read as a change gives exactly what reading the whole new file gives, and anything
that is not such a change is left to a whole read."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.editor.store import Author, CatalogStore
from app.tooling.entry import EntryKey
from app.tooling.po_delta import apply_changes, changed_entries
from app.tooling.pofile import CatalogError, messages, parse_po
from tests.editor.test_store import CATALOG

PATH = Path("messages.po")
UNTRANSLATED = EntryKey(None, "Untranslated")
PLURAL = EntryKey(None, "One partner.")


def _state(catalog) -> list[tuple]:
    """Everything a reader of the catalog sees of each entry, in order."""
    return [(m.id, m.context, m.string, sorted(m.flags), m.lineno, list(m.locations), list(m.auto_comments),
             list(m.user_comments), m.previous_id) for m in (*messages(catalog), *catalog.obsolete.values())]


def _saved(tmp_path, key: EntryKey, strings, base, **options) -> tuple[bytes, bytes]:
    po = tmp_path / "messages.po"
    po.write_text(CATALOG, encoding="utf-8")
    old = po.read_bytes()
    CatalogStore(po, "ja", tmp_path / "db.sqlite3", git_commits=False).save(key, strings, base, Author("a"), **options)
    return old, po.read_bytes()


@pytest.mark.parametrize("key, strings, base, options", [
    (UNTRANSLATED, ("未翻訳",), ("",), {}),
    (UNTRANSLATED, ("未翻訳",), ("",), {"fuzzy": True}),  # a "#, fuzzy" line: every later entry moves down
    (EntryKey(None, "Hello %(name)s"), ("こんにちは %(name)s",), ("古い %(name)s",), {}),  # loses two lines
    (PLURAL, ("%(count)s 件の協定校。",), ("",), {}),
])
def test_a_save_read_as_a_change_is_the_whole_new_file(tmp_path, key, strings, base, options):
    old, new = _saved(tmp_path, key, strings, base, **options)
    changes = changed_entries(old, new, PATH)
    assert [change.message.id if isinstance(change.message.id, str) else change.message.id[0]
            for change in changes] == [key.msgid]
    catalog = parse_po(old, PATH).catalog
    apply_changes(catalog, changes)
    assert _state(catalog) == _state(parse_po(new, PATH).catalog)


def test_two_entries_changed_by_a_text_editor_are_both_read():
    new = CATALOG.replace('msgstr "ホーム"', 'msgstr "ホーム画面"').replace(
        '#: templates/home.html:13\nmsgid "Another untranslated"\nmsgstr ""',
        '#: templates/home.html:13\n#, fuzzy\nmsgid "Another untranslated"\nmsgstr "別"')
    changes = changed_entries(CATALOG.encode(), new.encode(), PATH)
    assert len(changes) == 2
    catalog = parse_po(CATALOG.encode(), PATH).catalog
    apply_changes(catalog, changes)
    assert _state(catalog) == _state(parse_po(new.encode(), PATH).catalog)


@pytest.mark.parametrize("new", [
    CATALOG.replace("nplurals=1; plural=0;", "nplurals=2; plural=(n != 1);"),  # the header means otherwise
    CATALOG.replace("charset=utf-8", "charset=EUC-JP"),
    CATALOG + '\nmsgid "Added"\nmsgstr "追加"\n',  # an entry added
    CATALOG.replace('msgid "Untranslated"', 'msgid "Renamed"'),  # another entry in its place
    CATALOG.replace('msgid "Untranslated"\nmsgstr ""', 'msgid "Untranslated"\nmsgstr ""\n\nmsgid "In between"\n'
                    'msgstr ""').replace('\n\n#: templates/home.html:13', '\n#: templates/home.html:13'),
    CATALOG.replace('#: templates/home.html:5\n', '#: templates/home.html:5\n\n'),  # a blank line inside
])
def test_what_is_not_a_change_of_entries_is_read_whole(new):
    assert changed_entries(CATALOG.encode(), new.encode(), PATH) is None


def test_a_crlf_file_one_block_to_this_reading_is_read_whole():
    old = CATALOG.replace("\n", "\r\n")
    new = old.replace('msgid "Untranslated"\r\nmsgstr ""', 'msgid "Untranslated"\r\nmsgstr "未翻訳"')
    assert changed_entries(old.encode(), new.encode(), PATH) is None


def test_a_header_field_added_with_an_entry_changed_is_read_whole():
    """Every entry moves down a line: read as the one changed entry, the others kept their old lines."""
    new = CATALOG.replace('"Language: ja\\n"\n', '"Language: ja\\n"\n"Last-Translator: a\\n"\n', 1)
    new = new.replace('msgid "Untranslated"\nmsgstr ""', 'msgid "Untranslated"\nmsgstr "未翻訳"')
    assert new.count("Last-Translator: a") == 1 and "未翻訳" in new
    assert changed_entries(CATALOG.encode(), new.encode(), PATH) is None


def test_a_header_only_change_changes_no_entry():
    new = CATALOG.replace("2020-01-01 00:00+0000", "2021-01-01 00:00+0000")
    assert changed_entries(CATALOG.encode(), new.encode(), PATH) == []


def test_a_changed_entry_that_is_not_valid_is_left_to_a_whole_read_to_report():
    new = CATALOG.replace('msgid "Untranslated"\nmsgstr ""', 'msgid "Untranslated"\nmsgstr "unterminated')
    assert changed_entries(CATALOG.encode(), new.encode(), PATH) is None
    with pytest.raises(CatalogError):
        parse_po(new.encode(), PATH)


def _big_catalog(entries: int) -> str:
    """A catalog several times _CHUNK long, so the common start and end are set aside before splitting."""
    blocks = [CATALOG.split("\n\n")[0]]
    for number in range(entries):
        blocks.append(f'#: templates/page.html:{number}\nmsgid "Entry {number} of a catalog long enough"\n'
                      f'msgstr "{"項目" * (number % 7)}{number}"')
    return "\n\n".join(blocks) + "\n"


def test_random_saves_on_a_big_catalog_read_as_a_change_are_the_whole_new_file():
    """Edits anywhere (near the start, the end, a chunk boundary), of any size in lines, one to three at a
    time, with the header's revision date changed as a save changes it: the change applied to the old
    catalog is what reading the new file gives."""
    rng = random.Random(17)
    text = _big_catalog(3000)
    assert len(text.encode()) > 4 * 64 * 1024
    catalog = parse_po(text.encode(), PATH).catalog
    for round_number in range(40):
        lines = text.split("\n")
        new_lines = list(lines)
        for _ in range(rng.randint(1, 3)):
            number = rng.choice([0, 1, 2999, rng.randrange(3000)])
            index = new_lines.index(f'msgid "Entry {number} of a catalog long enough"') + 1
            while index + 1 < len(new_lines) and new_lines[index + 1].startswith('"'):  # the old msgstr's rest
                del new_lines[index + 1]
            replacement = rng.choice([f'msgstr "新{round_number}"', f'msgstr ""\n"新"\n"{round_number}"',
                                      'msgstr "<b>新</b>"', f'msgstr "{number}"'])
            new_lines[index:index + 1] = replacement.split("\n")
            if rng.random() < 0.3 and new_lines[index - 2] != "#, fuzzy":  # a fuzzy flag: one line more
                new_lines.insert(index - 1, "#, fuzzy")
        new = "\n".join(new_lines).replace("2020-01-01 00:00+0000", f"2026-12-{round_number % 28 + 1:02} 00:00+0000")
        changes = changed_entries(text.encode(), new.encode(), PATH)
        assert changes is not None, round_number
        apply_changes(catalog, changes)
        assert _state(catalog) == _state(parse_po(new.encode(), PATH).catalog), round_number
        text = new


def test_extra_blank_lines_far_from_a_save_do_not_change_what_it_reads():
    text = _big_catalog(3000).replace('\n\n#: templates/page.html:5\n', '\n\n\n\n#: templates/page.html:5\n')
    new = text.replace('msgstr "項目項目2998"', 'msgstr ""\n"新"\n"2998"')
    changes = changed_entries(text.encode(), new.encode(), PATH)
    assert changes is not None and len(changes) == 1
    catalog = parse_po(text.encode(), PATH).catalog
    apply_changes(catalog, changes)
    assert _state(catalog) == _state(parse_po(new.encode(), PATH).catalog)
