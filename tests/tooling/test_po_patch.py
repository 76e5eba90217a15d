"""po_patch.py against the reader: patch one entry of a real file, read the result back strictly, and every
other entry is byte-identical and reads back the same.

Files: the project-sized corpora (tests/fixtures/po/corpus, and ../shared/testdata/po-corpus when present)
and GNU gettext's own test inputs (../shared/testdata/gnu-gettext-tests/suite, or GNU_GETTEXT_TESTS, as
test_conformance finds them; skipped without them). Only files the strict reader accepts are patched (the
editor refuses to patch any other), a few entries of each, spread over the file.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.tooling import po_patch
from app.tooling.entry import key_of, strings_of
from app.tooling.po_patch import FUZZY, PoText, header_of
from app.tooling.pofile import CatalogError, messages, parse_po

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "po" / "corpus"
SHARED = Path(PROJECT_ROOT).parent / "shared" / "testdata"
# A translation that needs escaping and wrapping: quotes, a backslash, a tab and two lines.
NEW_TEXT = 'patched "quoted" \\ back\tslash and a long enough line to be wrapped by Babel at its width\nsecond'


def _gnu_suite() -> Path:
    base = os.environ.get("GNU_GETTEXT_TESTS") or SHARED / "gnu-gettext-tests"
    return Path(base) / "suite"


def _corpus_files() -> list[Path]:
    files = {path.name: path for path in sorted(CORPUS.glob("*.po"))}
    for path in sorted((SHARED / "po-corpus").glob("*.po")):
        files.setdefault(path.name, path)
    return list(files.values())


def _comparable(message) -> tuple:
    return (message.context, message.id, message.string, sorted(message.flags), message.locations,
            message.auto_comments, message.user_comments, message.previous_id)


def patch_every_sampled_entry(path: Path, per_file: int) -> tuple[int, int]:
    """Patch up to `per_file` entries of `path`, one at a time, checking each; (entries tried, patched).
    A file the reader refuses is not patched at all: (0, 0)."""
    data = path.read_bytes()
    try:
        original = parse_po(data, path)
    except CatalogError:
        return 0, 0
    header = header_of(data)
    assert header.charset == original.charset
    found = list(messages(original.catalog))
    step = max(1, len(found) // per_file)
    tried = patched = 0
    for message in found[::step][:per_file]:
        tried += 1
        key = key_of(message)
        text = PoText.of(data, header.charset)
        assert text.encode() == data  # the text keeps every byte (BOM, CRLF, charset)
        located = po_patch.find(text, key) or po_patch.find_by_parse(text, data, path, key)
        if located is None:  # not readable on its own (e.g. no blank line between entries): never patched
            continue
        patched += 1
        fuzzy = FUZZY not in message.flags
        strings = tuple(f"{NEW_TEXT} {index}" for index in range(len(strings_of(message))))
        start, end = po_patch.patch(text, located, strings, fuzzy, {})
        result = text.encode()
        # Byte-identical outside the entry's own lines.
        before, after = data.split(b"\n"), result.split(b"\n")
        assert after[:start] == before[:located.start], (path, key)
        assert after[end:] == before[located.end:], (path, key)
        # Read back strictly: the entry changed as asked, every other entry as it was.
        reread = parse_po(result, path).catalog
        changed = reread.get(key.msgid, context=key.context)
        assert strings_of(changed) == strings and (FUZZY in changed.flags) == fuzzy, (path, key)
        if not fuzzy:
            assert not changed.previous_id  # `#|` lines mean something only on a fuzzy entry
        others = [_comparable(m) for m in messages(original.catalog) if key_of(m) != key]
        assert [_comparable(m) for m in messages(reread) if key_of(m) != key] == others, (path, key)
        assert po_patch.read_back(text, start, end) is not None
    return tried, patched


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda path: path.name)
def test_patching_one_entry_of_a_real_catalog_changes_nothing_else(path):
    tried, patched = patch_every_sampled_entry(path, per_file=6)
    assert tried and patched == tried  # files as Babel, Poedit and msgmerge write them: every entry found


def test_patching_gnu_gettexts_test_inputs_changes_nothing_else():
    suite = _gnu_suite()
    if not suite.is_dir():
        pytest.skip(f"GNU gettext's test inputs not found at {suite} (set GNU_GETTEXT_TESTS)")
    tried = patched = files = 0
    for path in sorted(suite.glob("*.po")):
        file_tried, file_patched = patch_every_sampled_entry(path, per_file=3)
        files += bool(file_tried)
        tried, patched = tried + file_tried, patched + file_patched
    print(f"\nGNU suite: {files} files the reader accepts, {patched} of {tried} sampled entries patched")
    assert files > 300 and patched > 0.9 * tried


def test_the_header_fields_are_set_in_place_or_added():
    data = (b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Last-Translator: x\\n"\n\n'
            b'msgid "Home"\nmsgstr ""\n')
    text = PoText.of(data, header_of(data).charset)
    located = po_patch.find(text, key_of(next(messages(parse_po(data, Path("t.po")).catalog))))
    po_patch.patch(text, located, ("ホーム",), False, {"Last-Translator": "Alice", "PO-Revision-Date": "2026-12-04"})
    header = dict(parse_po(text.encode(), Path("t.po")).header)
    assert header["Last-Translator"] == "Alice" and header["PO-Revision-Date"] == "2026-12-04"
    assert text.encode().count(b"Last-Translator") == 1


def test_the_header_is_read_by_the_reader_from_the_first_block_or_the_whole_file():
    euc = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=EUC-JP\\n"\n\nmsgid "Home"\nmsgstr "ホーム"\n'
    assert header_of(euc.encode("euc_jp")).charset == "euc_jp"
    no_blank_line = b'msgid ""\nmsgstr "Plural-Forms: nplurals=1; plural=0;\\n"\nmsgid "a"\nmsgstr "b"\n'
    assert header_of(no_blank_line).catalog.num_plurals == 1
    with pytest.raises(CatalogError):
        header_of(b'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n')  # no header, and a duplicate


def test_a_header_is_read_once_per_version_and_a_long_first_block_is_not_kept():
    header = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n'
    entry = b'\nmsgid "Home"\nmsgstr "\xe3\x83\x9b\xe3\x83\xbc\xe3\x83\xa0"\n'
    first = header_of(header + entry)
    assert first is header_of(header + entry.replace(b"Home", b"Office"))  # the same header
    assert first.charset == "utf-8" and first.catalog.num_plurals == 1
    revised = header.replace(b"UTF-8\\n", b'UTF-8\\n"\n"PO-Revision-Date: 2026-12-04 15:00+0000\\n')
    assert header_of(revised + entry) is not first  # a save's new header: read
    comments = b"".join(b"# a translator's note %d, long enough to matter\n" % n for n in range(2000))
    long_first_block = comments + header
    assert len(long_first_block) > 64 * 1024
    read = header_of(long_first_block + entry)
    assert read.charset == "utf-8" and read is not header_of(long_first_block + entry)
