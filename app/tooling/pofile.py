"""Strict reading of gettext PO files into Babel catalogs.

Babel's `read_po` is lenient (an unterminated `msgid "broken` is read as "broke", duplicates are merged
silently) and strict about valid things (it rejects `#~|` lines). GNU `msgfmt --check` is the reference
for what is an error, so this module tokenizes the file itself, in one pass, reporting every problem with
its line, and builds the Babel `Catalog` from the tokens it has already validated (parsing twice would
double the cost on large catalogs). Babel's own `Catalog`/`Message` objects are what it returns, so
everything downstream (`write_mo`, `Catalog.update`, checkers) is plain Babel.

Deliberate differences from `read_po` (tests/tooling/test_pofile_matches_babel.py pins them): message flags
are exactly the flags written in the file (Babel guesses `python-format` from the msgid: "50% off" looks like
`% o`; msgfmt trusts the flags, and so do we), and `#|` previous-msgid lines are read into
`Message.previous_id` (and a `#| msgctxt` into a `previous_context` attribute), where Babel keeps them as
translator comments "| msgid ...", which `write_po` would write back as `# | msgid ...`.
"""
from __future__ import annotations

import codecs
import gc
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import _extract_locations, write_po

from app.tooling.findings import Finding

SYNTAX_ERROR = "syntax-error"
ENCODING_ERROR = "encoding-error"
DUPLICATE = "duplicate"
HEADER = "header"
UNREADABLE = "unreadable"
#: Codes that mean "this file is not a valid catalog": `check` exits 2 on them, `compile` refuses.
WIDTH = 76  # Babel's and GNU gettext's default line width; every catalog is written with the same one
_MAX_ERRORS = 50  # a binary or badly broken file would otherwise report one error per line

# The header's charset decides how the whole file is decoded, so it is found on the raw bytes first.
_CHARSET_RE = re.compile(rb'^\s*"Content-Type:[^"\n]*charset=([-\w.:]+)', re.MULTILINE | re.IGNORECASE)
# One C-style string literal (possibly several on one line, as msgfmt allows) and the escapes inside it.
_STRING_RE = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t]*')
_ESCAPE_RE = re.compile(r'\\(?:([ntrabfv\\"\'?])|([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.|$))')
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
                   "\\": "\\", '"': '"', "'": "'", "?": "?"}
_PLURAL_KEYWORD_RE = re.compile(r"msgstr\[(\d+)\]\Z")
_PREVIOUS_KEYWORDS = frozenset({"msgctxt", "msgid", "msgid_plural"})  # of `#|` lines

_KEYWORDS = frozenset({"msgid", "msgstr", "msgctxt", "msgid_plural"})
# Parser states: where the next string continuation line belongs (_SKIP: inside a broken entry).
_IDLE, _CTXT, _ID, _PLURAL, _STR, _STRN, _SKIP = range(7)
_STATE_NAMES = {_CTXT: "msgctxt", _ID: "msgid", _PLURAL: "msgid_plural", _STR: "msgstr",
                _STRN: "msgstr[]"}


class CatalogError(Exception):
    """A file that is not a valid catalog. `.findings` lists every problem found, each with its line."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        first = findings[0]
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        super().__init__(f"{first.path}:{first.line}: {first.code}: {first.message}{more}")


@dataclass
class PoFile:
    """A strictly read catalog plus what Babel's `Catalog` does not keep: the header as written."""

    path: Path
    catalog: Catalog
    header_line: int = 0  # line of the header's msgid, 0 when the file has no header entry
    header: list[tuple[str, str]] = field(default_factory=list)  # (name, value) as written, in order
    # msgid line → msgstr line: msgfmt reports translation problems on the msgstr line, and so do we
    msgstr_lines: dict[int, int] = field(default_factory=dict)


class _StringError(Exception):
    pass


def _unescape(inner: str) -> str:
    def replace(match: re.Match) -> str:
        simple, octal, hexa, bad = match.groups()
        if simple:
            return _SIMPLE_ESCAPES[simple]
        if octal:
            return chr(int(octal, 8))
        if hexa:
            return chr(int(hexa, 16))
        raise _StringError("invalid control sequence")

    return _ESCAPE_RE.sub(replace, inner)


def _parse_strings(text: str) -> str:
    """The value of one or more adjacent string literals; the slow path for anything unusual."""
    if text[-1:] == '"' and len(text) > 1:
        inner = text[1:-1]
        if "\\" not in inner and '"' not in inner:
            return inner
    parts, pos = [], 0
    while pos < len(text):
        match = _STRING_RE.match(text, pos)
        if not match:
            if text[pos] == '"':
                raise _StringError("end-of-line within string")
            raise _StringError(f"unexpected text after string: {text[pos:pos + 20]!r}")
        parts.append(_unescape(match.group(1)))
        pos = match.end()
    return "".join(parts)


def is_text_charset(name: str) -> bool:
    """Whether `name` is a codec that decodes bytes to text: codecs.lookup also knows "base64", "hex" and
    "rot13", which bytes.decode and write_mo refuse with LookupError."""
    try:
        return codecs.lookup(name)._is_text_encoding
    except LookupError:
        return False


def _decode(data: bytes, path: str) -> tuple[str, list[Finding]]:
    if b"\x00" in data:
        return "", [Finding(path, data.count(b"\n", 0, data.index(b"\x00")) + 1, ENCODING_ERROR,
                            "NUL byte: a binary (or UTF-16) file, not a PO file")]
    match = _CHARSET_RE.search(data, 0, 64 * 1024)
    charset = match.group(1).decode("ascii") if match else "UTF-8"
    if not is_text_charset(charset):  # e.g. the template placeholder "CHARSET"; the header check reports it
        charset = "UTF-8"
    try:
        text = data.decode(charset)
    except UnicodeDecodeError:
        errors = []
        for number, raw in enumerate(data.split(b"\n"), 1):
            try:
                raw.decode(charset)
            except UnicodeDecodeError as exc:
                errors.append(Finding(path, number, ENCODING_ERROR,
                                      f"invalid {charset.upper()} byte sequence at column {exc.start + 1}"))
                if len(errors) >= _MAX_ERRORS:
                    break
        return "", errors
    return text.lstrip("\ufeff"), []


def _header_fields(header: str) -> list[tuple[str, str]]:
    fields = []
    for line in header.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            fields.append((name.strip(), value.strip()))
    return fields


def _read_comment(line: str, flags: list, locations: list, auto_comments: list, user_comments: list) -> None:
    second = line[1:2]
    if second == ",":
        flags.extend(flag.strip() for flag in line[2:].split(","))
    elif second == ":":
        locations.extend(_extract_locations(line[2:]))
    elif second == ".":
        comment = line[2:].strip()
        if comment:
            auto_comments.append(comment)
    elif second != "|" and second != "~":  # `#|`, `#~|`: previous msgids, not comments (see the docstring)
        user_comments.append(line[1:].strip())


class _Parser:
    """One pass over the lines: a small state machine following msgfmt's grammar."""

    def __init__(self, path: str):
        self.path = path
        self.errors: list[Finding] = []
        self.entries: list[tuple] = []  # (lines, obsolete, context, msgid, plural, strings, flags, comments)
        self.seen: dict = {}
        self.previous_by_line: dict[int, dict[str, list[str]]] = {}  # msgid line → its `#|` keyword: parts
        self._reset()

    def _reset(self) -> None:
        self.state = _IDLE
        self.obsolete = False
        self.msgid_line = self.msgstr_line = 0
        self.ctxt = self.msgid = self.plural = None
        self.target: list[str] | None = None  # where the next continuation string goes
        self.strings: list[list[str]] = []
        self.flags: list[str] = []
        self.locations: list[str] = []
        self.auto_comments: list[str] = []
        self.user_comments: list[str] = []
        self.previous: dict[str, list[str]] | None = None  # the `#|` lines read so far
        self.previous_parts: list[str] | None = None

    def error(self, line: int, message: str, code: str = SYNTAX_ERROR, msgid: str = "", msgctxt: str = "") -> None:
        self.errors.append(Finding(self.path, line, code, message, msgid, msgctxt=msgctxt))

    def finish(self) -> None:
        """End the entry being read (at a comment, the next msgctxt/msgid, or the end of the file)."""
        state = self.state
        if state == _IDLE:
            return  # comments read so far belong to the entry that follows
        if state in (_STR, _STRN):
            msgid = "".join(self.msgid)
            context = None if self.ctxt is None else "".join(self.ctxt)
            key = msgid if context is None else (msgid, context)
            first = self.seen.get(key)
            if first is not None:
                self.error(self.msgid_line, f"duplicate message definition (first defined at line {first})",
                           DUPLICATE, msgid, context or "")
            else:
                self.seen[key] = self.msgid_line
                if self.previous:
                    self.previous_by_line[self.msgid_line] = self.previous
                plural = None if self.plural is None else "".join(self.plural)
                self.entries.append((self.msgid_line, self.msgstr_line, self.obsolete, context, msgid, plural,
                                     ["".join(parts) for parts in self.strings], self.flags,
                                     self.locations, self.auto_comments, self.user_comments))
        elif state != _SKIP:
            self.error(self.msgid_line, "missing 'msgstr' section")
        self._reset()

    def fail(self, line: int, message: str) -> None:
        """Report a syntax error and skip the rest of the broken entry, as msgfmt does."""
        self.error(line, message)
        self._reset()
        self.state = _SKIP

    def parse(self, text: str) -> None:
        append = None  # the current section's list.append, while plain continuation lines can go there
        for lineno, line in enumerate(text.split("\n"), 1):
            line = line.strip()
            if not line:
                continue
            first = line[0]
            if first == '"':
                inner = line[1:-1]
                # Most lines of a large catalog are plain continuation strings: no method call for them.
                if append is not None and line[-1] == '"' and inner and '"' not in inner and "\\" not in inner:
                    append(inner)
                    continue
                self.string_line(lineno, line, False)
            elif first == "#":
                second = line[1:2]
                if second == "~":
                    rest = line[2:].lstrip()
                    if rest and rest[0] != "|":  # `#~|` is an obsolete entry's previous msgid: a comment
                        self.message_line(lineno, rest, True)
                    continue
                if self.state != _IDLE:
                    self.finish()
                if second == "|":
                    self.previous_line(lineno, line[2:].strip())
                else:
                    _read_comment(line, self.flags, self.locations, self.auto_comments, self.user_comments)
            else:
                self.message_line(lineno, line, False)
            target = self.target
            append = target.append if target is not None and not self.obsolete else None
            if len(self.errors) >= _MAX_ERRORS:
                return
        self.finish()

    def previous_line(self, lineno: int, text: str) -> None:
        """`#| msgid "..."`, `#| "..."`: the English a fuzzy entry was translated from. msgfmt parses these
        lines as it parses the entry itself, so a broken one is a syntax error here too."""
        keyword, _, strings = text.partition(" ") if text[:1] != '"' else ("", "", text)
        if keyword and keyword not in _PREVIOUS_KEYWORDS:
            return self.error(lineno, f'keyword "{keyword}" unknown')
        try:
            value = _parse_strings(strings.strip())
        except _StringError as exc:
            return self.error(lineno, str(exc))
        if self.previous is None:
            self.previous = {}
        if keyword:
            self.previous_parts = self.previous[keyword] = [value]
        elif self.previous_parts is None:
            self.error(lineno, "syntax error: string outside msgctxt, msgid or msgstr")
        else:
            self.previous_parts.append(value)

    def message_line(self, lineno: int, line: str, obsolete: bool) -> None:
        if line[0] == '"':
            self.string_line(lineno, line, obsolete)
            return
        quote = line.find('"')
        keyword = line[:quote].rstrip() if quote >= 0 else line.split()[0]
        plural_index = None
        if keyword not in _KEYWORDS:
            match = _PLURAL_KEYWORD_RE.match(keyword)
            if match is None:
                return self.fail(lineno, f'keyword "{keyword}" unknown')
            plural_index = int(match.group(1))
        if quote < 0:
            return self.fail(lineno, f"missing string after {keyword}")
        try:
            value = _parse_strings(line[quote:])
        except _StringError as exc:
            return self.fail(lineno, str(exc))
        state = self.state
        starts_entry = keyword == "msgctxt" or (keyword == "msgid" and state != _CTXT)
        if not starts_entry and state not in (_IDLE, _SKIP) and obsolete != self.obsolete:
            return self.fail(lineno, "inconsistent use of #~")
        if keyword == "msgid":
            if starts_entry:
                self.finish()
            self.state, self.obsolete, self.msgid, self.msgid_line = _ID, obsolete, [value], lineno
            self.target = self.msgid
        elif keyword == "msgctxt":
            self.finish()
            self.state, self.obsolete, self.ctxt, self.msgid_line = _CTXT, obsolete, [value], lineno
            self.target = self.ctxt
        elif state == _SKIP:
            return
        elif keyword == "msgstr":
            if state != _ID:
                return self.out_of_place(lineno, keyword, state)
            self.state, self.strings, self.msgstr_line = _STR, [[value]], lineno
            self.target = self.strings[0]
        elif keyword == "msgid_plural":
            if state != _ID:
                return self.out_of_place(lineno, keyword, state)
            self.state, self.plural = _PLURAL, [value]
            self.target = self.plural
        elif state == _ID:
            self.fail(lineno, "missing 'msgid_plural' section")
        elif state not in (_PLURAL, _STRN):
            self.out_of_place(lineno, keyword, state)
        elif plural_index != len(self.strings):
            self.fail(lineno, "first plural form has nonzero index" if state == _PLURAL
                      else "plural form has wrong index")
        else:
            if state == _PLURAL:
                self.msgstr_line = lineno
            self.state = _STRN
            self.target = [value]
            self.strings.append(self.target)

    def out_of_place(self, lineno: int, keyword: str, state: int) -> None:
        after = "without a msgid" if state == _IDLE else f"after {_STATE_NAMES[state]}"
        self.fail(lineno, f"syntax error: {keyword} {after}")

    def string_line(self, lineno: int, line: str, obsolete: bool) -> None:
        state = self.state
        if state == _SKIP:
            return
        try:
            value = _parse_strings(line)
        except _StringError as exc:
            return self.fail(lineno, str(exc))
        if state == _IDLE:
            self.fail(lineno, "syntax error: string outside msgctxt, msgid or msgstr")
        elif obsolete != self.obsolete:
            self.fail(lineno, "inconsistent use of #~")
        else:
            self.target.append(value)


# What Message.__init__ sets, in whatever Babel version is installed, for _new_message to start from;
# the mutable ones that _new_message does not set itself (previous_id) get a fresh copy per message.
_MESSAGE_FIELDS = vars(Message("-"))
_SET_BY_US = {"id", "string", "context", "lineno", "locations", "flags", "auto_comments", "user_comments"}
_COPIED_FIELDS = [name for name, value in _MESSAGE_FIELDS.items()
                  if isinstance(value, (list, set, dict)) and name not in _SET_BY_US]


def _new_message(msgid, string, locations: list, flags: list, auto_comments: list, user_comments: list,
                 lineno: int, context: str | None) -> Message:
    """A Babel Message with exactly the file's flags. Message() would guess python-format from the msgid
    (which we must not: msgfmt trusts the flags) at a cost of two regex searches per message."""
    message = Message.__new__(Message)
    fields = message.__dict__
    fields.update(_MESSAGE_FIELDS)
    for name in _COPIED_FIELDS:
        fields[name] = fields[name].copy()
    message.id, message.string, message.context, message.lineno = msgid, string, context, lineno
    message.locations = locations if len(locations) < 2 else list(dict.fromkeys(locations))
    message.flags = set(flags)
    message.flags.discard("")
    message.auto_comments = auto_comments if len(auto_comments) < 2 else list(dict.fromkeys(auto_comments))
    message.user_comments = user_comments if len(user_comments) < 2 else list(dict.fromkeys(user_comments))
    return message


def _build_catalog(entries: list[tuple], pofile: PoFile) -> None:
    catalog = pofile.catalog
    path = str(pofile.path)
    msgstr_lines = pofile.msgstr_lines
    for lineno, msgstr_line, obsolete, context, msgid, plural, strings, flags, locations, auto, user in entries:
        msgstr_lines[lineno] = msgstr_line
        if msgid == "" and context is None and not obsolete:
            pofile.header_line = lineno
            header = strings[0]
            pofile.header = _header_fields(header)
            try:
                catalog[""] = Message("", header, flags=flags, user_comments=user)
            except Exception as exc:  # Babel parses dates, plural counts and locales here and can raise anything
                raise CatalogError([Finding(path, lineno, HEADER, f"header cannot be read: {exc}")]) from exc
            continue
        if plural is None:
            message_id, string = msgid, strings[0]
        else:
            message_id, string = (msgid, plural), tuple(strings)
        parsed_locations = []
        for location in locations:
            name, colon, number = location.rpartition(":")
            if colon and number.isdigit():
                parsed_locations.append((name, int(number)))
            else:
                parsed_locations.append((location, None))
        message = _new_message(message_id, string, parsed_locations, flags, auto, user, lineno, context)
        if obsolete:
            catalog.obsolete[msgid if context is None else (msgid, context)] = message
        elif msgid == "":
            # An empty msgid with a context is an ordinary entry for msgfmt, but Catalog.__setitem__ would
            # take it for the header; store it under the key Babel itself would use.
            catalog._messages[(msgid, context)] = message
        else:
            catalog[message_id] = message


def messages(catalog: Catalog) -> Iterator[Message]:
    """Every entry but the header. (Iterating a Catalog yields a header built from its fields first.)"""
    return islice(catalog, 1, None)


@contextmanager
def gc_paused():
    """Reading allocates hundreds of thousands of lists, tuples and Messages and frees none of them: the
    cyclic garbage collector would walk them again and again for nothing (a third of the time, measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_po(data: bytes, path: Path) -> PoFile:
    """Parse PO bytes strictly. Raises CatalogError listing every syntax, encoding and duplicate problem."""
    text, errors = _decode(data, str(path))
    if errors:
        raise CatalogError(errors)
    with gc_paused():
        parser = _Parser(str(path))
        parser.parse(text)
        if parser.errors:
            raise CatalogError(parser.errors)
        pofile = PoFile(path=path, catalog=Catalog(locale=None, fuzzy=False))
        _build_catalog(parser.entries, pofile)
        if parser.previous_by_line:
            _set_previous(pofile.catalog, parser.previous_by_line)
    return pofile


def _set_previous(catalog: Catalog, previous_by_line: dict[int, dict[str, list[str]]]) -> None:
    for message in messages(catalog):
        previous = previous_by_line.get(message.lineno)
        if previous and "msgid" in previous:
            message.previous_id = ["".join(previous[key]) for key in ("msgid", "msgid_plural") if key in previous]
            if "msgctxt" in previous:
                message.previous_context = "".join(previous["msgctxt"])


def read_po_file(path: Path) -> PoFile:
    """Read a catalog from disk strictly; an unreadable file is a CatalogError too."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError([Finding(str(path), 0, UNREADABLE, exc.strerror or str(exc))]) from exc
    return parse_po(data, path)


def po_bytes(catalog: Catalog) -> bytes:
    """A catalog (or the template) as the PO bytes every command writes: one line width, so rewriting an
    unchanged catalog gives the same bytes."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH)
    return buffer.getvalue()


def read_catalog(path: Path) -> Catalog:
    """Strict replacement for `babel.messages.pofile.read_po` on a file: raises CatalogError, nothing else."""
    return read_po_file(path).catalog
