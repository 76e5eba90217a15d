"""entry.py: an entry's key, forms, plural-ness, state and verdict, judged with the catalog's own rule."""
from __future__ import annotations

import io

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from app.tooling.entry import (FUZZY, REFUSED, STATES, TODO_STATES, TRANSLATED, UNTRANSLATED, Entry, EntryKey,
                               catalog_entries, find_message, ids_of, is_plural, key_of, strings_of)
from app.tooling.formats import GERMANIC

PLURAL = Message(("%(num)d file", "%(num)d files"), ("one file", "%(num)d files"), context="count")


def test_forms_are_tuples_for_singular_and_plural_entries():
    singular = Message("Home", "ホーム")
    assert ids_of(singular) == ("Home",) and strings_of(singular) == ("ホーム",) and not is_plural(singular)
    assert ids_of(PLURAL) == ("%(num)d file", "%(num)d files") and is_plural(PLURAL)
    assert strings_of(PLURAL) == ("one file", "%(num)d files")
    assert strings_of(Message("Home", None)) == ("",)
    assert key_of(PLURAL) == EntryKey("count", "%(num)d file")


def test_an_entry_key_names_one_entry_stably():
    assert EntryKey(None, "Home").id == EntryKey(None, "Home").id
    assert len({EntryKey(None, "Home").id, EntryKey("", "Home").id, EntryKey("nav", "Home").id}) == 3
    catalog = Catalog(locale="ja")
    catalog.add("Home", "ホーム", context="nav")
    assert find_message(catalog, EntryKey("nav", "Home")).string == "ホーム"
    assert find_message(catalog, EntryKey(None, "Home")) is None


@pytest.mark.parametrize(("message", "state"), [
    (Message("Home", "ホーム"), TRANSLATED),
    (Message("Home", ""), UNTRANSLATED),
    (Message("Home", "", flags=["fuzzy"]), UNTRANSLATED),  # as msgfmt counts it
    (Message("Home", "ホーム", flags=["fuzzy"]), FUZZY),
    (Message("Home", "<script>x</script>"), REFUSED),
    (Message("Done: %(n)s", "完了: %(m)s"), REFUSED),
    (Message(("%(num)d day", "%(num)d days"), ("", "%(num)d Tage")), UNTRANSLATED),
    (Message(("%(num)d day", "%(num)d days"), ("%(num)d Tag", "")), UNTRANSLATED),  # English for n != 1
])
def test_the_state_of_an_entry(message, state):
    entry = Entry.of(message)
    assert entry.state == state
    assert (entry.refusal is not None) is (state == REFUSED)


def test_the_verdict_uses_the_plural_rule_it_is_given():
    assert Entry.of(PLURAL, GERMANIC).state == TRANSLATED  # msgstr[0] is for 1 alone: "one file" is fine
    assert Entry.of(PLURAL, frozenset({0, 1})).state == REFUSED  # form 0 also for 21, 31...
    assert Entry.of(PLURAL, frozenset({0, 1})).refusal.code == "placeholder-mismatch"


def test_catalog_entries_judge_with_the_catalogs_own_plural_forms_and_skip_header_and_obsolete():
    def catalog(plural_forms: str):
        return read_po(io.StringIO(
            f'msgid ""\nmsgstr "Plural-Forms: {plural_forms}\\n"\n\n'
            'msgid "%(num)d file"\nmsgid_plural "%(num)d files"\nmsgstr[0] "one file"\nmsgstr[1] "%(num)d x"\n'
            'msgstr[2] "%(num)d y"\n\n#~ msgid "Old"\n#~ msgstr "古い"\n'))
    russian = catalog("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                      "(n%100<10 || n%100>=20) ? 1 : 2);")
    german = catalog("nplurals=2; plural=(n != 1);")
    assert [entry.state for entry in catalog_entries(russian)] == [REFUSED]
    assert [entry.state for entry in catalog_entries(german)] == [TRANSLATED]


def test_html_false_judges_a_plain_text_catalog():
    message = Message("Language", '言語" x="')
    assert Entry.of(message).state == REFUSED and Entry.of(message, html=False).state == TRANSLATED


def test_the_to_do_is_every_state_but_translated():
    assert set(TODO_STATES) == set(STATES) - {TRANSLATED}
