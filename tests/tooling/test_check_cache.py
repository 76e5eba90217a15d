"""check_cache: a catalog judged as a change of the version judged before gives exactly the findings of
judging the new file whole, on every line; what is not such a change is judged whole."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.tooling.check_cache import CheckCache, JudgeOptions, judge_change, judge_whole
from app.tooling.findings import ERROR
from app.tooling.pofile import parse_po

PATH = Path("translations/ja/LC_MESSAGES/messages.po")
OPTIONS = JudgeOptions(str(PATH), "ja", True, None, ERROR, False)
HEADER = ('msgid ""\nmsgstr ""\n"Project-Id-Version: site\\n"\n"PO-Revision-Date: 2026-01-01 00:00+0000\\n"\n'
          '"Language: ja\\n"\n"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=1; plural=0;\\n"\n')


def _entry(number: int) -> str:
    """Entries with every kind of finding: untranslated, fuzzy, a lost placeholder, markup, plural."""
    kind = number % 6
    head = f"#: templates/page{number % 3}.html:{number}\n"
    if kind == 0:
        return head + f'msgid "Entry {number}"\nmsgstr ""\n'
    if kind == 1:
        return head + f'#, fuzzy\nmsgid "Entry {number}"\nmsgstr "項目 {number}"\n'
    if kind == 2:
        return head + f'#, python-format\nmsgid "Entry %(n)s {number}"\nmsgstr "項目 {number}"\n'
    if kind == 3:
        return head + f'msgid "<em>Entry</em> {number}"\nmsgstr "<b>項目</b> {number}"\n'
    if kind == 4:
        return head + (f'msgid "One entry {number}"\nmsgid_plural "%(num)d entries {number}"\n'
                       f'msgstr[0] "%(num)d 項目 {number}"\n')
    return head + f'msgid "Entry {number}"\nmsgstr "項目 {number}"\n'


CATALOG = HEADER + "".join("\n" + _entry(number) for number in range(60))


def _sorted(findings):
    return sorted((f.path, f.line, f.code, f.severity, f.msgid, f.msgctxt, f.message) for f in findings)


def _whole(text: str):
    data = text.encode()
    return judge_whole(data, parse_po(data, PATH), OPTIONS)


# Each edit changes some entries as a save or a text editor would; some add or remove lines.
EDITS = [
    ('msgid "Entry 6"\nmsgstr ""', 'msgid "Entry 6"\nmsgstr "項目 6"'),  # translated: a finding gone
    ('#, fuzzy\nmsgid "Entry 7"', 'msgid "Entry 7"'),  # reviewed: a line less, every later finding moves up
    ('msgid "Entry 11"\nmsgstr "項目 11"', '#, fuzzy\nmsgid "Entry 11"\nmsgstr ""\n"項目 11"'),  # two lines more
    ('msgstr "項目 8"', 'msgstr "項目 %(n)s 8"'),  # a placeholder fixed
    ('msgstr "<b>項目</b> 9"', 'msgstr ""\n"<em>項目</em>"\n" 9"'),  # markup fixed, on a continuation line
    ('"PO-Revision-Date: 2026-01-01 00:00+0000\\n"', '"PO-Revision-Date: 2026-12-04 12:00+0000\\n"'),
    ('msgstr "項目 5"', 'msgstr "<script>項目</script> 5"'),  # broken markup, far above the others
    ('msgstr "<b>項目</b> 15"', 'msgstr ""\n"<i>項目</i> 15"'),  # still broken, reported on the msgstr line
]


def test_edit_after_edit_through_the_cache_finds_what_a_whole_read_finds():
    cache = CheckCache()
    text = CATALOG
    cache.keep(PATH, _whole(text))
    for number, (old, new) in enumerate(EDITS):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
        judged = cache.judged(PATH, text.encode(), OPTIONS)
        assert judged is not None, f"edit {number} was judged whole"
        whole = _whole(text)
        assert _sorted(judged.findings) == _sorted(whole.findings), f"after edit {number}"
        assert [(m.id, m.lineno) for m in judged.pofile.catalog._messages.values()] == \
            [(m.id, m.lineno) for m in whole.pofile.catalog._messages.values()]


def test_several_entries_changed_at_once():
    previous = _whole(CATALOG)
    text = CATALOG
    for old, new in EDITS:
        text = text.replace(old, new)
    judged = judge_change(previous, text.encode())
    assert judged is not None and _sorted(judged.findings) == _sorted(_whole(text).findings)


@pytest.mark.parametrize("new", [
    (CATALOG + '\nmsgid "Added"\nmsgstr "追加"\n').encode(),  # an entry added
    CATALOG.replace('msgid "Entry 6"', 'msgid "Entry six"').encode(),  # another msgid
    CATALOG.replace('"Language: ja\\n"\n', '"Language: ja\\n"\n"Last-Translator: a\\n"\n').encode(),  # all move
    CATALOG.encode().replace("項目 5\"".encode(), b'\xff\xfe 5"'),  # invalid UTF-8: the reader notes it
    # a flag ending a block is the next entry's: a whole read makes "Entry 6" fuzzy
    CATALOG.replace('msgstr "項目 5"\n', 'msgstr "項目 5"\n#, fuzzy\n').encode(),
    CATALOG.replace('msgstr "項目 5"\n', 'msgstr "項目 5"\n#~ msgid "Old"\n#~ msgstr "古い"\n').encode(),
    CATALOG.replace('msgstr "項目 5"\n', 'msgstr "項目 5"\r\n').encode(),  # CR LF lines are counted file-wide
    # msgfmt reads the first "nplurals=" of the header, Babel the Plural-Forms field
    CATALOG.replace('"Project-Id-Version: site\\n"', '"Project-Id-Version: nplurals=x\\n"').encode(),
])
def test_what_is_not_a_change_of_entries_is_judged_whole(new):
    assert new != CATALOG.encode()
    previous = _whole(CATALOG)
    assert judge_change(previous, new) is None


def test_other_options_or_the_same_bytes():
    cache = CheckCache()
    judged = _whole(CATALOG)
    cache.keep(PATH, judged)
    assert cache.judged(PATH, CATALOG.encode(), OPTIONS) is judged
    assert cache.judged(PATH, CATALOG.encode(), JudgeOptions(str(PATH), "ja", True, None, "warning", False)) is None


def test_a_change_leaves_the_version_before_it_as_it_was():
    """An older status (shown while the newer one is checked) keeps the lines it was computed with."""
    previous = _whole(CATALOG)
    before = [(m.id, m.lineno, m.string) for m in previous.pofile.catalog._messages.values()]
    findings = _sorted(previous.findings)
    text = CATALOG.replace('msgid "Entry 1"\nmsgstr "項目 1"', 'msgid "Entry 1"\nmsgstr ""\n"項目"\n" 1"')
    assert judge_change(previous, text.encode()) is not None
    assert [(m.id, m.lineno, m.string) for m in previous.pofile.catalog._messages.values()] == before
    assert _sorted(previous.findings) == findings


def test_an_obsolete_entry_removed_from_a_block_is_judged_whole():
    with_obsolete = CATALOG.replace('msgstr "項目 5"\n', 'msgstr "項目 5"\n#~ msgid "Old"\n#~ msgstr "古い"\n')
    assert judge_change(_whole(with_obsolete), CATALOG.encode()) is None
