"""Byte-exact surgery on one entry of a PO file: find it in the file's own text, change its msgstr lines,
fuzzy flag and the header's fields, and leave every other byte exactly as it was.

Beside the reader (pofile.py) because it must agree with it: an entry is found by a string search for its
msgid lines as Babel writes them (no parse of a 20,000-entry file), and every entry found or patched is read
back by the strict reader, so a file written otherwise is never patched on a guess (`find` then answers
None and the caller parses the whole file: `find_by_parse`). The charset and plural rule come from the
reader too, reading the header entry alone (`header_of`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import normalize, unescape

from .entry import EntryKey, find_message, is_plural, key_of
from .pofile import WIDTH, CatalogError, PoFile, messages, parse_po

FUZZY = "fuzzy"
_BLANK_LINE_RE = re.compile(rb"\n\r?\n")


def header_of(data: bytes) -> PoFile:
    """The catalog's header as the strict reader reads it (its charset, Plural-Forms): from the file's first
    block alone when that is the whole header entry, else from the whole file (raises CatalogError when
    that is not a valid catalog). Read-only: the same first block gives the same object (read_first_block)."""
    blank = _BLANK_LINE_RE.search(data)
    if blank is not None:
        head = read_first_block(data[:blank.start() + 1])
        if head is not None and head.header_line:
            return head
    return parse_po(data, Path("catalog.po"))


_CACHED_BLOCK_BYTES = 64 * 1024  # a header is a few hundred bytes; a "first block" this long is not kept


def read_first_block(block: bytes) -> PoFile | None:
    """A catalog's first block read alone (None: not valid alone). Read-only: every process looks at each
    version's header several times (the site, the status page and the editor, each through po_delta), and
    a save changes it (PO-Revision-Date), so the last versions' are kept rather than read again."""
    return _read_block(block) if len(block) <= _CACHED_BLOCK_BYTES else _read_block.__wrapped__(block)


@lru_cache(maxsize=16)
def _read_block(block: bytes) -> PoFile | None:
    try:
        return parse_po(block, Path("header.po"))
    except CatalogError:
        return None


@dataclass
class PoText:
    """A catalog file split at "\n" (a CRLF file's lines keep their "\r": `cr`), so joining them with "\n"
    gives the file back exactly."""

    lines: list[str]
    charset: str
    bom: bool
    cr: str  # "\r" in a CRLF file, else ""
    joined: str  # the text as read (without a BOM), for searching; `lines` is what gets changed

    @classmethod
    def of(cls, data: bytes, charset: str) -> PoText:
        """`data` decoded with `charset`, the codec the reader took from its header (`header_of`). Bytes
        not valid in it (which msgfmt and the reader accept outside the entry being patched) are kept as
        they are: surrogate escapes, encoded back to the same bytes."""
        text = data.decode(charset, "surrogateescape")
        bom = text[:1] == "\ufeff"
        lines = text[bom:].split("\n")
        return cls(lines, charset, bom, "\r" if lines[0].endswith("\r") else "", text[bom:])

    def encode(self) -> bytes:
        return (("\ufeff" if self.bom else "") + "\n".join(self.lines)).encode(self.charset, "surrogateescape")


@dataclass
class Located:
    """Where one entry's lines are: [start, end) from its first comment to the end of its msgstr section."""

    message: Message
    start: int
    keyword: int  # its msgctxt (or msgid) line
    msgstr: int
    end: int


def _entry_start(lines: list[str], msgid_index: int, has_context: bool) -> int:
    """Index of the entry's first keyword line: its msgctxt (maybe several lines up), else its msgid."""
    index = msgid_index
    while has_context and index > 0:
        index -= 1
        if lines[index].lstrip().startswith("msgctxt"):
            return index
    return msgid_index


def _comment_start(lines: list[str], first: int) -> int:
    start = first
    while start > 0 and lines[start - 1].startswith("#") and not lines[start - 1].startswith("#~"):
        start -= 1
    return start


def _section_end(lines: list[str], start: int) -> int:
    """Index after the msgstr section starting at `start` (its keyword lines and continuation strings)."""
    end = start + 1
    while end < len(lines) and (lines[end].lstrip().startswith('"') or lines[end].lstrip().startswith("msgstr[")):
        end += 1
    return end


def read_back(text: PoText, start: int, end: int) -> Message | None:
    """The one entry in lines[start:end], read by the strict reader; None if they are not exactly one."""
    try:
        catalog = parse_po("\n".join(text.lines[start:end]).encode("utf-8", "surrogateescape"), Path("entry.po")).catalog
    except CatalogError:
        return None
    found = list(messages(catalog))
    return found[0] if len(found) == 1 and not catalog.obsolete else None


def _entry_at(text: PoText, msgid_index: int, key: EntryKey) -> Located | None:
    lines = text.lines
    keyword = _entry_start(lines, msgid_index, key.context is not None)
    msgstr = next((i for i in range(msgid_index + 1, len(lines)) if lines[i].lstrip().startswith("msgstr")), None)
    if msgstr is None:
        return None
    start, end = _comment_start(lines, keyword), _section_end(lines, msgstr)
    message = read_back(text, start, end)
    if message is None or message.context != key.context or key_of(message) != key:
        return None
    return Located(message, start, keyword, msgstr, end)


def _by_text(text: PoText, key: EntryKey):
    """The entries with `key` found by their msgid lines as Babel writes them (a string search, no parse
    of the whole file); yields None where only a parse can tell (then the caller parses the whole file)."""
    want = (text.cr + "\n").join(f"msgid {normalize(key.msgid, width=WIDTH)}".split("\n"))
    joined, lines = text.joined, text.lines
    position = joined.find(want)
    while position >= 0:
        end = position + len(want)
        if (position == 0 or joined[position - 1] == "\n") and joined[end:end + len(text.cr) + 1] in (text.cr + "\n", ""):
            index = joined.count("\n", 0, position)
            before = lines[index - 1].lstrip() if index else ""
            if key.context is None and before.startswith(("msgctxt", '"')):
                if not before.startswith("msgctxt"):
                    yield None  # a msgctxt over several lines, or no blank line between entries
            else:
                entry = _entry_at(text, index, key)
                if entry is not None:
                    yield entry
        position = joined.find(want, position + 1)


def find(text: PoText, key: EntryKey) -> Located | None:
    return next(_by_text(text, key), None)


def count(text: PoText, key: EntryKey) -> int | None:
    found = list(_by_text(text, key))
    return None if None in found else len(found)


def find_by_parse(text: PoText, data: bytes, path: Path, key: EntryKey) -> Located | None:
    """The entry found by parsing the whole file strictly (raises CatalogError when it is not valid)."""
    pofile = parse_po(data, path)
    message = find_message(pofile.catalog, key)
    if message is None:
        return None
    assert message.lineno is not None  # the reader gives every entry its line
    return _entry_at(text, message.lineno - 1, key)


def previous_msgid(text: PoText, entry: Located) -> str | None:
    """The entry's `#| msgid "..."` (with its `#| "..."` continuation lines), which the reader does not keep."""
    parts: list[str] = []
    inside = False
    for line in text.lines[entry.start:entry.keyword]:
        body = line[2:].strip() if line.startswith("#|") else None
        if body is not None and body.startswith("msgid "):
            parts, inside = [body[6:].strip()], True
        elif inside and body is not None and body.startswith('"'):
            parts.append(body)
        else:
            inside = False
    return "".join(unescape(part) for part in parts) if parts else None


def _msgstr_lines(strings: tuple[str, ...], plural: bool, cr: str) -> list[str]:
    """The msgstr section as Babel's write_po writes it (same normalize, same width)."""
    keywords = [f"msgstr[{index}]" for index in range(len(strings))] if plural else ["msgstr"]
    return [line + cr for keyword, form in zip(keywords, strings, strict=True)
            for line in f"{keyword} {normalize(form, width=WIDTH)}".split("\n")]


def _set_fuzzy(lines: list[str], start: int, first: int, fuzzy: bool, cr: str) -> int:
    """Set or clear the fuzzy flag among the comment lines lines[start:first]; return the change in line
    count. Clearing it also drops `#|` previous-msgid lines, which only mean something on a fuzzy entry."""
    flag_index = next((i for i in range(start, first) if lines[i].startswith("#,")), None)
    flags = [] if flag_index is None else [f.strip() for f in lines[flag_index][2:].split(",") if f.strip()]
    if (FUZZY in flags) == fuzzy:
        return 0
    flags = sorted({*flags, FUZZY}) if fuzzy else [f for f in flags if f != FUZZY]
    flag_line = "#" + ", ".join(["", *flags]) + cr if flags else None
    if flag_index is None:
        assert flag_line is not None  # fuzzy is being set (else the early return above): flags holds it
        # Babel's order: comments, #. , #: , #, and then #| lines.
        lines.insert(next((i for i in range(start, first) if lines[i].startswith("#|")), first), flag_line)
        return 1
    delta = 0
    if not fuzzy:
        previous = [i for i in range(start, first) if lines[i].startswith("#|")]
        for i in reversed(previous):
            del lines[i]
        delta -= len(previous)
        flag_index = next(i for i in range(start, first + delta) if lines[i].startswith("#,"))
    if flag_line is None:
        del lines[flag_index]
        return delta - 1
    lines[flag_index] = flag_line
    return delta


def _header_msgstr(lines: list[str]) -> int | None:
    """Index of the header's msgstr line: the file's first entry when its msgid is "" without a context."""
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith(("msgctxt", "#~")) or (stripped.startswith("msgid") and stripped.rstrip() != 'msgid ""'):
            return None
        if stripped.startswith("msgstr"):
            return index
    return None


def _set_header_fields(lines: list[str], values: dict[str, str], cr: str) -> None:
    """Replace (or add at the end of the header) the `Name: value` lines of the header's msgstr."""
    start = _header_msgstr(lines)
    if start is None:
        return
    end = _section_end(lines, start)
    pending = dict(values)
    for index in range(start, end):
        match = re.match(r'\s*(?:msgstr\s+)?"([\w-]+):', lines[index])
        if match and match.group(1) in pending:
            prefix = "msgstr " if lines[index].lstrip().startswith("msgstr") else ""
            name = match.group(1)
            lines[index] = f'{prefix}"{name}: {pending.pop(name)}\\n"{cr}'
    lines[end:end] = [f'"{name}: {value}\\n"{cr}' for name, value in pending.items()]


def patch(text: PoText, entry: Located, strings: tuple[str, ...], fuzzy: bool, header: dict[str, str]) -> tuple[int, int]:
    """Change only `entry`'s msgstr lines and fuzzy flag, and the header's fields, in `text`; return the
    entry's new [start, end)."""
    lines = text.lines
    new_msgstr = _msgstr_lines(strings, is_plural(entry.message), text.cr)
    lines[entry.msgstr:entry.end] = new_msgstr
    delta = _set_fuzzy(lines, entry.start, entry.keyword, fuzzy, text.cr)
    start, end = entry.start, entry.msgstr + len(new_msgstr) + delta
    # The header comes before every entry: edited after the entry, the entry's indices shift with it.
    before = len(lines)
    _set_header_fields(lines, header, text.cr)
    shift = len(lines) - before
    return start + shift, end + shift
