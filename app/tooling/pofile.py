"""Strict reading of gettext PO files into Babel catalogs, with GNU msgfmt's verdicts.

Babel's `read_po` is lenient (an unterminated `msgid "broken` is read as "broke", duplicates are merged
silently) and strict about valid things (it rejects `#~|` lines and header dates it cannot parse). GNU
msgfmt is the reference for what a catalog is, so this module follows its lexer and grammar (gettext 0.21:
`po-lex.c`, `po-gram-gen.y`, `read-catalog.c`): the same tokens (keywords, strings, `[`, NUMBER, `]`,
comments; anything else is junk, including a BOM, a no-break space or U+2028 between tokens), the same
LALR states with bison's default reductions and error recovery, so that what msgfmt rejects is rejected at
msgfmt's line and what it accepts is read. tests/tooling/test_conformance.py runs msgfmt live over GNU's own
test inputs to prove it; README.md ("Conformance with GNU msgfmt") lists the deliberate differences.

Encoding, as msgfmt does it: bytes before the header entry are not checked; from the header on, its
`charset=` decides, and a string with bytes invalid in it is an error (a comment with such bytes is not).
The file is decoded once as UTF-8 (a NUL byte or invalid bytes kept as surrogate escapes) and again with the
declared charset only if that is another one. Babel's own `Catalog`/`Message` objects are what it returns,
so everything downstream (`write_mo`, `Catalog.update`, checkers) is plain Babel, used through its public API.

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
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate, islice
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po

from app.tooling.files import RefusedFile, read_regular
from app.tooling.findings import WARNING, Finding
from app.tooling.plural_exp import PluralError, read_plural_forms

SYNTAX_ERROR = "syntax-error"
ENCODING_ERROR = "encoding-error"
DUPLICATE = "duplicate"
HEADER = "header"
UNREADABLE = "unreadable"
#: Findings about how a readable file is encoded (non-UTF-8 charset, CRLF, bad bytes in comments).
ENCODING = "encoding"
#: A `domain` directive: `msgfmt -o FILE` ignores it, `msgfmt --check` calls it an error.
DOMAIN = "domain"
WIDTH = 76  # Babel's and GNU gettext's default line width; every catalog is written with the same one
_MAX_ERRORS = 50  # a binary or badly broken file would otherwise report one error per line

# Tokens (po-gram-gen.y's), and the keywords that make them.
(_COMMENT, _DOMAIN, _STRING, _MSGID, _MSGCTXT, _MSGID_PLURAL, _MSGSTR, _PREV_MSGID, _PREV_MSGCTXT,
 _PREV_MSGID_PLURAL, _PREV_STRING, _NAME, _LBRACKET, _RBRACKET, _NUMBER, _JUNK, _EOF) = range(17)
_KEYWORDS = {"domain": _DOMAIN, "msgid": _MSGID, "msgid_plural": _MSGID_PLURAL, "msgstr": _MSGSTR,
             "msgctxt": _MSGCTXT}
_PREV_KEYWORDS = {"msgid": _PREV_MSGID, "msgid_plural": _PREV_MSGID_PLURAL, "msgctxt": _PREV_MSGCTXT}
# What the po_file state accepts: anything else is a syntax error there.
_STARTS = frozenset({_COMMENT, _DOMAIN, _MSGID, _MSGCTXT, _PREV_MSGID, _PREV_MSGCTXT, _EOF})

# The common line shapes, read without the general tokenizer: `keyword "plain"` and `"plain"`.
_FAST_LINE_RE = re.compile(r'[ \t]*(?:(msgid|msgstr|msgctxt|msgid_plural)[ \t]*|msgstr\[([0-9])\][ \t]*)?'
                           r'"([^"\\\x00\x04]*)"[ \t\r]*')
_FAST_KEYWORDS = {"msgid": _MSGID, "msgstr": _MSGSTR, "msgctxt": _MSGCTXT, "msgid_plural": _MSGID_PLURAL}
# po-lex.c's tokens: whitespace is " \t\r\f\v" only; a string ends at its quote or at the end of the line.
_TOKEN_RE = re.compile(r'(?P<ws>[ \t\r\f\v]+)|(?P<str>"(?:[^"\\]|\\.)*(?:"|\\?$))|(?P<name>[A-Za-z_$][\w$]*)'
                       r'|(?P<num>[0-9]+)|(?P<hash>#)|(?P<junk>.)', re.ASCII)
# A whole simple entry in one match, from a line where the grammar is between entries (the common case:
# blank lines, comments, an optional msgctxt, msgid and msgstr, each a string per line, no #~ or #| and no plural), then
# the start of what may follow it without joining it (after any blank lines, which the grammar skips: a
# comment, the next msgid or msgctxt, the end). Its tokens are the ones the line-by-line path would feed,
# and in those states none of them can be an error but what string_value reports, so Parser.block does what
# those tokens do, in one step (tests/tooling/test_pofile.py compares both paths on mutated catalogs).
# Its repeats are possessive (*+): each stops at a character the part after it must begin with, so giving
# one back can never make a match, and the engine keeps no state to give it back (a third faster).
_BLOCK_INSIDE = r'[^"\\\n\x00\x04]*+(?:\\.[^"\\\n\x00\x04]*+)*+'  # (a loop unrolled: no alternation)
_BLOCK_STRING = rf'"{_BLOCK_INSIDE}"[ \t\r]*+\n'
# A keyword's strings as two groups: the inside of the first one (most often the only one: no findall then),
# and the lines of the others
_BLOCK_STRINGS = rf'"({_BLOCK_INSIDE})"[ \t\r]*+\n((?:[ \t]*+{_BLOCK_STRING})*+)'
_BLOCK_RE = re.compile(r'((?:[ \t\r\f\v]*+\n)*+)((?:#(?![~|])[^\n]*+\n)*+)'
                       rf'(?:[ \t]*+msgctxt[ \t]*+{_BLOCK_STRINGS})?'
                       rf'[ \t]*+msgid[ \t]*+{_BLOCK_STRINGS}'
                       rf'[ \t]*+msgstr[ \t]*+{_BLOCK_STRINGS}'
                       r'(?=[ \t\r\f\v\n]*(?:\Z|#(?![~|])|msg(?:id|ctxt)[ \t"]))')
_BLOCK_STRING_RE = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"')
_ESCAPE_RE = re.compile(r'\\(?:([ntbrfva\\"])|([0-7]{1,3})|x([0-9a-fA-F]+)|(.|$))')
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "\\": "\\",
                   '"': '"'}
_SURROGATE_RE = re.compile("[\udc80-\udcff]")
_FLAG_SPLIT_RE = re.compile(r"[\n \t\r\f\v,]+")
_LOCATION_RE = re.compile("(?:\u2068[^\u2069]*\u2069|[^\\s\u2068\u2069])+|[\u2068\u2069]")
# The charsets msgfmt converts from (po-charset.c's list); for any other name it reads the bytes unchecked.
_GNU_CHARSETS = frozenset(name.lower() for name in (
    "ASCII ANSI_X3.4-1968 US-ASCII ISO-8859-1 ISO_8859-1 ISO-8859-2 ISO_8859-2 ISO-8859-3 ISO_8859-3 "
    "ISO-8859-4 ISO_8859-4 ISO-8859-5 ISO_8859-5 ISO-8859-6 ISO_8859-6 ISO-8859-7 ISO_8859-7 ISO-8859-8 "
    "ISO_8859-8 ISO-8859-9 ISO_8859-9 ISO-8859-13 ISO_8859-13 ISO-8859-14 ISO_8859-14 ISO-8859-15 "
    "ISO_8859-15 KOI8-R KOI8-U KOI8-T CP850 CP866 CP874 CP932 CP949 CP950 CP1250 CP1251 CP1252 CP1253 "
    "CP1254 CP1255 CP1256 CP1257 GB2312 EUC-JP EUC-KR EUC-TW BIG5 BIG5-HKSCS GBK GB18030 SHIFT_JIS JOHAB "
    "TIS-620 VISCII GEORGIAN-PS UTF-8").split())
# In msgfmt's list, without a Python codec, and not every byte sequence valid: msgfmt checks strings in it
# (glibc's iconv knows CNS 11643), we cannot. (VISCII and GEORGIAN-PS give every byte a character.)
_UNVERIFIABLE = frozenset({"euc-tw"})
_JAPANESE_RE = re.compile("[\u3040-\u30ff]")
_MAX_DIGITS = 18  # longer numbers are not converted (Python refuses over 4,300 digits; msgfmt overflows)


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
    # the header entry's msgstr exactly as written: msgfmt searches it whole for charset=, nplurals=, plural=
    # and puts it in the .mo
    header_text: str = ""
    # msgid line → msgstr line: msgfmt reports translation problems on the msgstr line, and so do we
    msgstr_lines: dict[int, int] = field(default_factory=dict)
    header_untranslated: bool = False  # a header entry with an empty msgstr: msgfmt counts it untranslated
    charset: str = "utf-8"  # the Python codec the strings were decoded with
    declared_charset: str | None = None  # as the header's `charset=` says, None without one
    crlf_lines: int = 0  # lines ending in CR LF
    lost_text_lines: list[int] = field(default_factory=list)  # strings read as U+FFFD or cut at a NUL
    # What msgfmt accepts but a maintainer should know (encoding, header fields Babel cannot read, domain
    # directives): `check` reports them with the other findings.
    findings: list[Finding] = field(default_factory=list)


def is_text_charset(name: str) -> bool:
    """Whether `name` is a codec that decodes bytes to text: codecs.lookup also knows "base64", "hex" and
    "rot13", which bytes.decode and write_mo refuse with LookupError."""
    try:
        return codecs.lookup(name)._is_text_encoding
    except LookupError:
        return False


def _codec(name: str | None) -> str | None:
    if name is None or not is_text_charset(name):
        return None
    return codecs.lookup(name).name


def header_charset(header: str) -> str | None:
    """The charset msgfmt takes from a header: what follows the first `charset=` up to a space or newline,
    wherever it is (not only on a `Content-Type:` line)."""
    start = header.find("charset=")
    if start < 0:
        return None
    match = re.match(r"[^ \t\n]*", header[start + 8:])
    assert match is not None  # `*`: it matches, if only the empty string
    return match.group()


class _Restart(Exception):
    """The header declares a charset other than the one the text was decoded with: decode again."""

    def __init__(self, codec: str):
        self.codec = codec


def _unescape(inner: str, parser: _Parser, line: int) -> str:
    """The value of a string literal's inside, as po-lex.c's control_sequence() reads it."""
    raw_bytes = False

    def replace(match: re.Match) -> str:
        nonlocal raw_bytes
        simple, octal, hexa, bad = match.groups()
        if simple:
            return _SIMPLE_ESCAPES[simple]
        value = int(octal, 8) & 0xFF if octal else int(hexa[-2:], 16) if hexa else None
        if value is None:
            parser.error(line, "invalid control sequence")
            return " " + bad
        if value >= 0x80:
            raw_bytes = True
            return chr(0xDC00 + value)  # a byte, decoded with the others below
        return chr(value)

    value = _ESCAPE_RE.sub(replace, inner)
    if raw_bytes:  # "\xe3\x81\x82" is three bytes of the file's charset, not three Latin-1 characters
        value = value.encode(parser.codec, "surrogateescape").decode(parser.codec, "replace")
    return value


class _Parser:
    """po-gram-gen.y as a hand-written LALR automaton with bison's default reductions and error recovery:
    the states below are bison's, named after the rule position they stand for."""

    (FILE, DOMAIN_KW, CTXT_KW, CTXT, ID_KW, ID, MSGSTR_KW, MSGSTR, PLURAL_KW, PLURAL, AFTER_PLURAL,
     FORM_KW, FORM_LB, FORM_NUM, FORM_RB, FORM, FORMS, PREV_CTXT_KW, PREV_CTXT, PREV_ID_KW, PREV_ID,
     PREV_PLURAL_KW, PREV_PLURAL, AFTER_PREV) = range(24)

    def __init__(self, path: str, codec: str, checked_codec: str | None, lossy: bool, last_line: int):
        self.path = path
        self.last_line = last_line  # a string unterminated on it ends at the end of the file, not of a line
        self.codec = codec  # what the text was decoded with
        self.checked_codec = checked_codec  # the one strings are checked against once the header is read
        self.lossy = lossy  # the text holds surrogate escapes: bytes invalid in `codec`
        self.check_strings = False  # msgfmt checks strings only after the header entry
        self.errors: list[Finding] = []
        self.notes: list[Finding] = []  # non-fatal: the PoFile's findings
        self.nul_lines: list[int] = []  # strings cut at a NUL byte
        self.entries: list[tuple] = []
        self.seen: dict = {}
        self.previous_by_line: dict[int, dict[str, str]] = {}  # msgid line -> its `#|` keyword: string
        self.domains: list[tuple[int, str]] = []
        self.state = self.FILE
        self.recoveries = 0
        self.errstatus = 0  # bison's yyerrstatus: tokens to shift before syntax errors are reported again
        self.plural_counter = 0  # po-gram-gen.y's static plural_counter (reset by each msgid_plural)
        self.bad_comment_lines: list[int] = []  # lines with bytes invalid in the charset, read as U+FFFD
        self.bad_string_lines: list[int] = []
        self.unverifiable: str | None = None  # the header's charset, when msgfmt checks it and Python cannot
        self.unverified_lines: list[int] = []  # strings with non-ASCII text in that charset
        self._reset()

    def _reset(self) -> None:
        self.obsolete = False  # the message's #~: its msgid's
        self.list_first = (0, False)  # (line, #~) of the current string list's first string
        self.parts: list[tuple[int, bool]] = []  # (line, #~) of the message's parts, checked when it ends
        self.keyword = (0, False)  # msgctxt or msgid_plural, checked against its strings
        self.prev: bool | None = None  # the #~ of `#|` lines before the message
        self.previous: dict[str, list[str]] = {}  # their keyword ("msgctxt", "msgid", "msgid_plural"): strings
        self.previous_target: list[str] | None = None
        self.form_keyword = (0, False)  # msgstr[N]: its `[`, number, `]` and strings are checked against it
        self.form_parts: list[tuple[int, bool]] = []
        self.first_form: tuple[int, bool] | None = None
        self.msgid_line = self.msgstr_line = 0
        self.ctxt: list[str] | None = None
        self.msgid: list[str] | None = None
        self.plural: list[str] | None = None
        self.target: list[str] | None = None
        self.strings: list[list[str]] = []
        self.form_index = ""
        self.no_plural = False  # msgstr[N] without msgid_plural: an error when the message ends
        self.flags: list[str] = []
        self.locations: list[str] = []
        self.auto_comments: list[str] = []
        self.user_comments: list[str] = []

    def error(self, line: int, message: str, code: str = SYNTAX_ERROR, msgid: str = "", msgctxt: str = "") -> None:
        self.errors.append(Finding(self.path, line, code, message, msgid, msgctxt=msgctxt))

    # -- the lexer ---------------------------------------------------------------------------------------

    def parse(self, text: str) -> None:
        lines = text.split("\n")
        numbered: Iterable[tuple[int, str]] = enumerate(lines, 1)
        if "\\\n" in text:  # backslash-newline continues a line anywhere (po-lex.c's lex_getc)
            lines, numbers = _join_continued(lines)
            numbered = zip(numbers, lines, strict=False)
        fast = _FAST_LINE_RE.fullmatch
        feed = self.feed
        lossy = self.lossy  # then every string is checked for invalid bytes: no fast path
        appending = (self.ID, self.MSGSTR, self.FORM, self.CTXT, self.PLURAL)
        target = None  # the string list a plain continuation line extends, while that is all it does
        # Whole entries at once where the lines are the text's own (no continued lines, no invalid bytes).
        block = None if lossy or "\\\n" in text else _BLOCK_RE.match
        if block is not None:
            starts = list(accumulate(map(len, lines), initial=0))  # + line index: where each line starts
        lineno = 0
        for lineno, line in numbered:
            first = line[:1]
            if block is not None and (first == "#" or first == "m") and self.state == self.FILE \
                    and not self.errstatus and not self.unverifiable:  # such strings go through string_value
                following = self.blocks(block, text, starts[lineno - 1] + lineno - 1, lineno)
                if following > lineno:  # entries read up to that line
                    if following - lineno > 1:
                        deque(islice(numbered, following - lineno - 1), maxlen=0)
                    lineno, target = following - 1, None
                    continue
            if first == "#":
                second = line[1:2]
                if second != "~" and second != "|":
                    if lossy and self.check_strings:
                        self.check_comment_start(second, lineno)
                    feed(_COMMENT, line[1:], lineno, False)
                    target = None
                    continue
                match = None
            else:
                # strings in a charset only msgfmt can check go through string_value (unverified_lines)
                match = None if lossy or not first or self.unverifiable else fast(line)
            if match is not None:
                keyword, form, value = match.groups()
                if keyword is None and form is None:
                    if target is not None:
                        target.append(value)
                        continue
                    feed(_STRING, value, lineno, False)
                elif form is not None:
                    feed(_MSGSTR, None, lineno, False)
                    feed(_LBRACKET, None, lineno, False)
                    feed(_NUMBER, form, lineno, False)
                    feed(_RBRACKET, None, lineno, False)
                    feed(_STRING, value, lineno, False)
                else:
                    self.keyword_line(_FAST_KEYWORDS[keyword], value, lineno)
            else:
                stripped = line.lstrip(" \t\r\f\v")
                if not stripped:
                    continue
                if stripped[0] == "#" and stripped[1:2] not in ("~", "|"):
                    if lossy and self.check_strings:
                        self.check_comment_start(stripped[1:2], lineno)
                    feed(_COMMENT, stripped[1:], lineno, False)
                else:
                    self.tokenize(line, lineno)
            target = self.target if self.state in appending and not self.list_first[1] and not self.errstatus \
                else None
            if len(self.errors) >= _MAX_ERRORS:
                return
        feed(_EOF, None, lineno, False)

    def check_comment_start(self, char: str, lineno: int) -> None:
        """po-lex.c reads the character after '#' checked (it might be '~' or '|') and the rest of a comment
        unchecked; the check applies once the header entry has been reduced, that is, to a comment after
        the entry that follows the header."""
        if _SURROGATE_RE.match(char):
            assert self.checked_codec is not None  # check_strings is set with it (header_read)
            self.error(lineno, f"invalid multibyte sequence (not {self.checked_codec.upper()})", ENCODING_ERROR)

    def tokenize(self, line: str, lineno: int) -> None:
        """The general tokenizer, for any line the fast path does not take."""
        obsolete = previous = False
        feed = self.feed
        pos, end = 0, len(line)
        while pos < end:
            match = _TOKEN_RE.match(line, pos)
            assert match is not None  # its last alternative, (?P<junk>.), takes any character of a line
            kind = match.lastgroup
            pos = match.end()
            if kind == "ws":
                continue
            if kind == "str":
                text = match.group()
                if len(text) < 2 or text[-1] != '"' or text.endswith('\\"') and _odd_backslashes(text):
                    # msgfmt reports it once it has read the newline: on the next line
                    at_end = lineno >= self.last_line
                    self.error(lineno if at_end else lineno + 1,
                               "end-of-file within string" if at_end else "end-of-line within string")
                    inner = text[1:]
                else:
                    inner = text[1:-1]
                feed(_PREV_STRING if previous else _STRING, self.string_value(inner, lineno), lineno, obsolete)
            elif kind == "name":
                word = match.group()
                kind_id = (_PREV_KEYWORDS if previous else _KEYWORDS).get(word)
                if kind_id is None:
                    self.error(lineno, f'keyword "{word}" unknown')
                    kind_id = _NAME
                feed(kind_id, None, lineno, obsolete)
            elif kind == "num":
                feed(_NUMBER, match.group(), lineno, obsolete)
            elif kind == "hash":
                following = line[pos:pos + 1]
                if following == "~":
                    obsolete = True
                    pos += 1
                    if line[pos:pos + 1] == "|":
                        previous = True
                        pos += 1
                elif following == "|":
                    previous = True
                    pos += 1
                else:
                    feed(_COMMENT, line[pos:], lineno, obsolete)
                    return
            else:
                char = match.group()
                if char == "[":
                    feed(_LBRACKET, None, lineno, obsolete)
                elif char == "]":
                    feed(_RBRACKET, None, lineno, obsolete)
                else:
                    feed(_JUNK, char, lineno, obsolete)

    def blocks(self, block, text: str, position: int, line: int) -> int:
        """The _BLOCK_RE entries from `position` (line `line`) on, one after the other: for each, what its
        lines would do one by one, then its reduction (finish), as the token after it would trigger. Returns
        the line after the last one (`line` when there is none). Near the error cap the lines go one by one,
        to stop where that stops: an entry's errors are at most a duplicate and one per backslash.

        finish() and _reset() are done inline for the fields such an entry has (no #~, #|, plural): in the
        state it starts in (po_file) the rest are as _reset() leaves them; the comments' lists are the ones
        comment() filled, from before the first entry too (tests/tooling/test_pofile_blocks.py)."""
        comment, strings, errors, entries, seen = self.comment, self.block_strings, self.errors, self.entries, \
            self.seen
        append = entries.append
        match = block(text, position)
        # A header declaring a charset only msgfmt can check ends the run: its strings go through string_value
        while match is not None and len(errors) + 1 + text.count("\\", match.start(), match.end()) < _MAX_ERRORS \
                and not self.unverifiable:
            blank, comments, context, context_more, msgid, msgid_more, msgstr, msgstr_more = match.groups()
            if blank:
                line += blank.count("\n")
            if comments:
                for comment_text in comments[:-1].split("\n"):
                    comment(comment_text[1:], line)
                    line += 1
            # (each string of a _BLOCK_STRINGS is one line)
            if context is not None:
                if context_more or "\\" in context:
                    parts = strings(context, context_more, line)
                    line += len(parts)
                    context = "".join(parts)
                else:
                    line += 1
            msgid_line = line
            if msgid_more or "\\" in msgid:
                parts = strings(msgid, msgid_more, line)
                line += len(parts)
                msgid = "".join(parts)
            else:
                line += 1
            msgstr_line = line
            if msgstr_more or "\\" in msgstr:
                parts = strings(msgstr, msgstr_more, line)
                line += len(parts)
                msgstr = "".join(parts)
            else:
                line += 1
            flags, locations, auto, user = self.flags, self.locations, self.auto_comments, self.user_comments
            self.flags, self.locations, self.auto_comments, self.user_comments = [], [], [], []
            key = msgid if context is None else (msgid, context)
            first = seen.get(key)
            if first is not None:
                self.error(msgid_line, f"duplicate message definition (first defined at line {first})",
                           DUPLICATE, msgid, context or "")
            else:
                seen[key] = msgid_line
                if "msgid" in self.previous:
                    self.previous_by_line[msgid_line] = {name: "".join(value) for name, value in self.previous.items()}
                append((msgid_line, msgstr_line, False, context, msgid, None, [msgstr], flags, locations, auto,
                        user))
                if context is None and msgid == "":
                    self.header_read(msgstr)
            if self.previous:
                self.previous = {}
            match = block(text, match.end())
        return line

    def block_strings(self, first: str, lines: str, line: int) -> list[str]:
        """The values of a keyword's strings in a block: the inside of the first one, and the lines of the
        others (from line `line` on)."""
        values = [first, *_BLOCK_STRING_RE.findall(lines)] if lines else [first]
        if "\\" in first or "\\" in lines:
            values = [self.string_value(value, line + index) if "\\" in value else value
                      for index, value in enumerate(values)]
        return values

    def string_value(self, inner: str, lineno: int) -> str:
        value = _unescape(inner, self, lineno) if "\\" in inner else inner
        if "\x04" in value:
            self.error(lineno, "context separator <EOT> within string")
        if self.unverifiable and not value.isascii():
            self.unverified_lines.append(lineno)
        if self.lossy and _SURROGATE_RE.search(value):
            if self.check_strings:
                assert self.checked_codec is not None  # check_strings is set with it (header_read)
                self.error(lineno, f"invalid multibyte sequence (not {self.checked_codec.upper()})",
                           ENCODING_ERROR)
            else:  # before the header (or without a known charset) msgfmt copies the bytes as they are
                self.bad_string_lines.append(lineno)
            value = _SURROGATE_RE.sub("\ufffd", value)
        if "\x00" in value:  # msgfmt keeps a string up to its first NUL (po-lex.c: xstrdup), and so do we
            value = value[:value.index("\x00")]
            self.notes.append(Finding(self.path, lineno, ENCODING, "NUL byte in a string: msgfmt and the .mo "
                                      "keep only the text before it", severity=WARNING))
            self.nul_lines.append(lineno)
        return value

    # -- the grammar -------------------------------------------------------------------------------------

    def syntax_error(self, kind: int, value, line: int, obsolete: bool) -> None:
        """bison's yyerrlab: report (unless recovering), drop the partial message, and go on in po_file with
        this token if it can start something there, or without it."""
        if self.errstatus == 0:
            if kind == _COMMENT:  # po-lex.c has read the comment's newline too: msgfmt says the next line
                line += 1
            if kind == _JUNK and value == "\x00":
                self.error(line, "NUL byte outside a string: a binary (or UTF-16) file, not a PO file",
                           ENCODING_ERROR)
            else:
                self.error(line, f"syntax error: {_describe(kind, value)} {_EXPECTED.get(self.state, 'here')}")
        discard = self.errstatus == 3
        self._reset()
        self.state = self.FILE
        self.errstatus = 3
        self.recoveries += 1
        if discard or kind not in _STARTS:
            return
        self.shift(kind, value, line, obsolete)
        self.errstatus = 2

    # `#~` consistency, as po-gram-gen.y's check_obsolete calls make it: a string continuing a list against the
    # list's first string at once; a rule's parts against its first part when the rule is reduced.
    def check_obsolete(self, first: bool, line: int, obsolete: bool) -> None:
        if obsolete != first:
            self.error(line, "inconsistent use of #~")

    def start_list(self, target: list, value: str, line: int, obsolete: bool) -> None:
        target.append(value)
        self.target, self.list_first = target, (line, obsolete)

    def reduce_message(self) -> None:
        """The message rule's checks: every part against the message's own #~ (its msgid's)."""
        for line, obsolete in self.parts:
            self.check_obsolete(self.obsolete, line, obsolete)

    def feed(self, kind: int, value, line: int, obsolete: bool) -> None:
        """One token from the lexer. After a syntax error, three tokens must be taken before the next syntax
        error is reported (bison's yyerrstatus)."""
        if not self.errstatus:
            return self.shift(kind, value, line, obsolete)
        recoveries = self.recoveries
        self.shift(kind, value, line, obsolete)
        if self.recoveries == recoveries:
            self.errstatus -= 1

    def keyword_line(self, kind: int, value: str, line: int) -> None:
        """`msgid "..."` or `msgstr "..."` where a catalog has them, in one step (most of a catalog's lines);
        anything else as its two tokens. (Neither is `#~`: in these states no `#~` check can fail.)"""
        state = self.state
        if not self.errstatus:
            if kind == _MSGID:
                if state == self.MSGSTR or state == self.FORMS and not self.no_plural:
                    self.reduce_message()
                    self.finish()
                    self._reset()
                    state = self.FILE
                if state == self.FILE:
                    self.obsolete = False
                    self.msgid = [value]
                    self.target, self.list_first = self.msgid, (line, False)
                    self.msgid_line, self.state = line, self.ID
                    return
            elif kind == _MSGSTR and state == self.ID and not self.obsolete and not self.list_first[1]:
                self.target = [value]
                self.strings, self.list_first = [self.target], (line, False)
                self.msgstr_line, self.state = line, self.MSGSTR
                return
        self.feed(kind, None, line, False)
        self.feed(_STRING, value, line, False)

    def shift(self, kind: int, value, line: int, obsolete: bool) -> None:
        state = self.state
        if state == self.FILE:
            if kind == _COMMENT:
                self.comment(value, line)
            elif kind == _MSGID:
                self.obsolete, self.msgid_line, self.state = obsolete, line, self.ID_KW
            elif kind == _MSGCTXT:
                self.keyword, self.state = (line, obsolete), self.CTXT_KW
            elif kind == _DOMAIN:
                self.state = self.DOMAIN_KW
            elif kind == _PREV_MSGID:
                self.prev, self.state = obsolete, self.PREV_ID_KW
                self.previous_target = self.previous["msgid"] = []
            elif kind == _PREV_MSGCTXT:
                self.prev, self.state = obsolete, self.PREV_CTXT_KW
                self.previous_target = self.previous["msgctxt"] = []
            elif kind != _EOF:
                self.syntax_error(kind, value, line, obsolete)
            return
        if kind == _STRING:
            if state == self.ID or state == self.MSGSTR or state == self.FORM or state == self.CTXT \
                    or state == self.PLURAL:
                self.check_obsolete(self.list_first[1], line, obsolete)
                assert self.target is not None  # these states follow the list's first string (start_list)
                self.target.append(value)
                return
            if state == self.ID_KW:
                self.msgid, self.state = [], self.ID
                self.start_list(self.msgid, value, line, obsolete)
                self.parts = [(line, obsolete)]
                return
            if state == self.MSGSTR_KW:
                self.strings, self.state = [[]], self.MSGSTR
                self.start_list(self.strings[0], value, line, obsolete)
                self.parts.append((line, obsolete))
                return
            if state == self.FORM_RB:
                self.strings.append([])
                self.state = self.FORM
                self.start_list(self.strings[-1], value, line, obsolete)
                self.form_parts.append((line, obsolete))
                return
            if state == self.CTXT_KW:
                self.ctxt, self.state = [], self.CTXT
                self.start_list(self.ctxt, value, line, obsolete)
                return
            if state == self.PLURAL_KW:
                self.plural, self.state = [], self.PLURAL
                self.start_list(self.plural, value, line, obsolete)
                return
            if state == self.DOMAIN_KW:
                self.domains.append((line, value))
                self.state = self.FILE
                return
        elif kind == _PREV_STRING:
            following = {self.PREV_CTXT_KW: self.PREV_CTXT, self.PREV_ID_KW: self.PREV_ID,
                         self.PREV_PLURAL_KW: self.PREV_PLURAL}.get(state)
            if following is not None:
                self.state = following
                assert self.previous_target is not None  # set with the #| keyword that led to this state
                self.previous_target.append(value)
                return
            if state in (self.PREV_CTXT, self.PREV_ID, self.PREV_PLURAL):
                assert self.previous_target is not None  # set with the #| keyword that led to this state
                self.previous_target.append(value)
                return
        # Tokens other than a string continuing the current list.
        if state == self.CTXT and kind == _MSGID:  # msg_intro: MSGCTXT string_list MSGID, reduced at once
            keyword_obsolete = self.keyword[1]
            self.check_obsolete(keyword_obsolete, *self.list_first)
            self.check_obsolete(keyword_obsolete, line, obsolete)
            if self.prev is not None:
                self.check_obsolete(self.prev, line, obsolete)
            self.obsolete, self.msgid_line, self.state = obsolete, line, self.ID_KW
            return
        if state == self.ID:
            if kind == _MSGSTR:
                self.parts.append((line, obsolete))
                self.msgstr_line, self.state = line, self.MSGSTR_KW
                return
            if kind == _MSGID_PLURAL:
                self.keyword, self.state = (line, obsolete), self.PLURAL_KW
                return
            self.reduce_message()
            self.error(self.msgid_line, "missing 'msgstr' section")  # the default reduction, then po_file
            return self.reduced(kind, value, line, obsolete)
        if state == self.MSGSTR:
            self.reduce_message()
            self.finish()
            return self.reduced(kind, value, line, obsolete)
        if state == self.MSGSTR_KW and kind == _LBRACKET:  # msgstr[N] without msgid_plural
            self.no_plural, self.strings, self.state = True, [], self.FORM_LB
            self.form_keyword, self.form_parts = self.parts.pop(), [(line, obsolete)]
            return
        if state == self.PLURAL:  # msgid_pluralform: MSGID_PLURAL string_list
            self.check_obsolete(self.keyword[1], *self.list_first)
            self.parts.append(self.keyword)
            self.plural_counter, self.state = 0, self.AFTER_PLURAL
            return self.shift(kind, value, line, obsolete)
        if state == self.AFTER_PLURAL or state == self.FORMS:
            if kind == _MSGSTR:
                if state == self.AFTER_PLURAL:
                    self.msgstr_line = line
                self.form_keyword, self.form_parts, self.state = (line, obsolete), [], self.FORM_KW
                return
            self.reduce_message()
            if state == self.AFTER_PLURAL:
                self.error(self.msgid_line, "missing 'msgstr[]' section")
            elif self.no_plural:
                self.error(self.msgid_line, "missing 'msgid_plural' section")
            else:
                self.finish()
            return self.reduced(kind, value, line, obsolete)
        if state == self.FORM_KW and kind == _LBRACKET:
            self.form_parts.append((line, obsolete))
            self.state = self.FORM_LB
            return
        if state == self.FORM_LB and kind == _NUMBER:
            self.form_parts.append((line, obsolete))
            self.form_index, self.state = value, self.FORM_NUM
            return
        if state == self.FORM_NUM and kind == _RBRACKET:
            self.form_parts.append((line, obsolete))
            self.state = self.FORM_RB
            return
        if state == self.FORM:  # pluralform: MSGSTR '[' NUMBER ']' string_list, then pluralform_list
            form_line, form_obsolete = self.form_keyword
            for part in self.form_parts:
                self.check_obsolete(form_obsolete, *part)
            digits = self.form_index.lstrip("0") or "0"
            if len(digits) > _MAX_DIGITS or int(digits) != self.plural_counter:
                self.error(form_line, "first plural form has nonzero index" if self.plural_counter == 0
                           else "plural form has wrong index")
            self.plural_counter += 1
            if self.first_form is None:
                self.first_form = self.form_keyword
                self.parts.append(self.form_keyword)
            else:
                self.check_obsolete(self.first_form[1], *self.form_keyword)
            self.state = self.FORMS
            return self.shift(kind, value, line, obsolete)
        if state == self.PREV_CTXT and kind == _PREV_MSGID:
            self.state = self.PREV_ID_KW
            self.previous_target = self.previous["msgid"] = []
            return
        if state == self.PREV_ID and kind == _PREV_MSGID_PLURAL:
            self.state = self.PREV_PLURAL_KW
            self.previous_target = self.previous["msgid_plural"] = []
            return
        if state == self.PREV_ID or state == self.PREV_PLURAL:
            self.state = self.AFTER_PREV
            return self.shift(kind, value, line, obsolete)
        if state == self.AFTER_PREV:
            if kind == _MSGID:  # message_intro: prev msg_intro
                assert self.prev is not None  # set with the #| keyword that began the prev part
                self.check_obsolete(self.prev, line, obsolete)
                self.obsolete, self.msgid_line, self.state = obsolete, line, self.ID_KW
                return
            if kind == _MSGCTXT:
                self.keyword, self.state = (line, obsolete), self.CTXT_KW
                return
        self.syntax_error(kind, value, line, obsolete)

    def reduced(self, kind: int, value, line: int, obsolete: bool) -> None:
        """A message rule was reduced (complete or not): the token goes on in po_file."""
        self._reset()
        self.state = self.FILE
        self.shift(kind, value, line, obsolete)

    def comment(self, text: str, line: int) -> None:
        if self.lossy and _SURROGATE_RE.search(text):
            self.bad_comment_lines.append(line)  # msgfmt does not check comments' bytes
            text = _SURROGATE_RE.sub("\ufffd", text)
        first = text[:1]
        if first == "," or first == "!":
            self.flags.extend(_FLAG_SPLIT_RE.split(text[1:]))
        elif first == ":":
            self.locations.append(text[1:])
        elif first == ".":
            comment = text[1:].strip()
            if comment:
                self.auto_comments.append(comment)
        else:
            self.user_comments.append(text.strip())

    def finish(self) -> None:
        """A complete message: po-gram-gen.y's do_callback_message and read-catalog.c's duplicate check."""
        assert self.msgid is not None  # a message is finished only once its msgid has a string
        msgid = "".join(self.msgid)
        context = None if self.ctxt is None else "".join(self.ctxt)
        key = msgid if context is None else (msgid, context)
        first = self.seen.get(key)
        if first is not None:
            self.error(self.msgid_line, f"duplicate message definition (first defined at line {first})",
                       DUPLICATE, msgid, context or "")
            return
        self.seen[key] = self.msgid_line
        if "msgid" in self.previous:
            self.previous_by_line[self.msgid_line] = {key: "".join(parts) for key, parts in self.previous.items()}
        plural = None if self.plural is None else "".join(self.plural)
        strings = ["".join(parts) for parts in self.strings]
        self.entries.append((self.msgid_line, self.msgstr_line, self.obsolete, context, msgid, plural, strings,
                             self.flags, self.locations, self.auto_comments, self.user_comments))
        if context is None and msgid == "" and not self.obsolete:
            self.header_read(strings[0])

    def header_read(self, header: str) -> None:
        """Every header entry sets the charset the rest of the file is checked against (po-charset.c)."""
        declared = header_charset(header)
        self.unverifiable = declared if declared is not None and declared.lower() in _UNVERIFIABLE else None
        codec = None if declared is None or declared.lower() not in _GNU_CHARSETS else _codec(declared)
        if codec is None:
            return  # msgfmt reads on without checking (header_findings reports the charset)
        if codec != self.codec:
            if self.checked_codec is None:  # only the first reading restarts
                raise _Restart(codec)
            return
        self.checked_codec = codec
        self.check_strings = True


# For syntax error messages: what came, and what the grammar wanted instead in each state.
_TOKEN_NAMES = {_COMMENT: "a comment", _DOMAIN: "domain", _STRING: "a string", _MSGID: "msgid",
                _MSGCTXT: "msgctxt", _MSGID_PLURAL: "msgid_plural", _MSGSTR: "msgstr", _PREV_MSGID: "#| msgid",
                _PREV_MSGCTXT: "#| msgctxt", _PREV_MSGID_PLURAL: "#| msgid_plural", _PREV_STRING: "a #| string",
                _NAME: "an unknown keyword", _LBRACKET: "'['", _RBRACKET: "']'", _NUMBER: "a number",
                _EOF: "the end of the file"}
_P = _Parser
_EXPECTED = {
    _P.FILE: "outside an entry (msgid, msgctxt or a comment expected)",
    _P.DOMAIN_KW: "after domain (a string expected)", _P.CTXT_KW: "after msgctxt (a string expected)",
    _P.CTXT: "after msgctxt (msgid expected)", _P.ID_KW: "after msgid (a string expected)",
    _P.MSGSTR_KW: "after msgstr (a string expected)", _P.PLURAL_KW: "after msgid_plural (a string expected)",
    _P.FORM_KW: "after msgid_plural (msgstr[N] expected)", _P.FORM_LB: "in msgstr[N] (a number from 0-9 expected)",
    _P.FORM_NUM: "in msgstr[N] (']' expected)", _P.FORM_RB: "after msgstr[N] (a string expected)",
    _P.PREV_CTXT_KW: "after #| msgctxt (a string expected)", _P.PREV_CTXT: "after #| msgctxt (#| msgid expected)",
    _P.PREV_ID_KW: "after #| msgid (a string expected)", _P.PREV_PLURAL_KW: "after #| msgid_plural (a string expected)",
    _P.AFTER_PREV: "after #| lines (msgid or msgctxt expected)",
}


def _describe(kind: int, value) -> str:
    if kind == _JUNK:
        if value == "\ufeff":
            return "a byte order mark (U+FEFF)"
        if "\udc80" <= value <= "\udcff":  # a byte that is not valid in the charset
            return f"the byte 0x{ord(value) - 0xDC00:02X}"
        return f"the character {value!r}" if value.isascii() else f"the character U+{ord(value):04X} {value!r}"
    return _TOKEN_NAMES[kind]


def _odd_backslashes(text: str) -> bool:
    """Whether the quote at the end of `text` is escaped (preceded by an odd number of backslashes)."""
    count = len(text) - 1 - len(text[:-1].rstrip("\\"))
    return count % 2 == 1


def _join_continued(lines: list[str]) -> tuple[list[str], list[int]]:
    joined, numbers, pending = [], [], ""
    for number, line in enumerate(lines, 1):
        if line.endswith("\\") and number < len(lines):
            pending += line[:-1]
            continue
        joined.append(pending + line)
        numbers.append(number)
        pending = ""
    return joined, numbers


def _decode(data: bytes, codec: str) -> tuple[str, bool]:
    """The text and whether it holds surrogate escapes for bytes that are not valid in `codec`."""
    try:
        return data.decode(codec), False
    except UnicodeDecodeError:
        return data.decode(codec, "surrogateescape"), True


def _japanese_encoding(data: bytes) -> str | None:
    """The Japanese legacy encoding `data` is valid in and shows kana in, if any (a file saved as Shift_JIS
    or EUC-JP that declares UTF-8)."""
    for codec, name in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _JAPANESE_RE.search(text):
            return name
    return None


def _read(data: bytes, path: str) -> _Parser:
    """The file tokenized and parsed: as UTF-8 first, again with the header's charset if it is another."""
    text, lossy = _decode(data, "utf-8")
    parser = _Parser(path, "utf-8", None, lossy, text.count("\n") + 1)
    try:
        parser.parse(text)
    except _Restart as restart:
        text, lossy = _decode(data, restart.codec)
        parser = _Parser(path, restart.codec, restart.codec, lossy, text.count("\n") + 1)
        parser.parse(text)  # the header declares the codec it was decoded with: no second restart
    return parser


def _parse_location(text: str) -> list[tuple[str, int | None]]:
    """`#:` references as Babel's read_po takes them (names with spaces between U+2068 and U+2069; a reference
    whose line is not a number is dropped), with no int() of a number too long to be a line."""
    if "\u2068" in text or "\u2069" in text:
        tokens = [token.replace("\u2068", "").replace("\u2069", "") for token in _LOCATION_RE.findall(text)]
    else:
        tokens = text.split()
    locations: list[tuple[str, int | None]] = []
    for token in tokens:
        name, colon, number = token.rpartition(":")
        if not colon:
            locations.append((token, None))
        elif number.isascii() and number.isdigit() and len(number) <= _MAX_DIGITS:
            locations.append((name, int(number)))
    return locations


def _header_fields(header: str) -> list[tuple[str, str]]:
    fields = []
    for line in header.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            fields.append((name.strip(), value.strip()))
    return fields


def _set_header(catalog: Catalog, pofile: PoFile, header: str, flags: list, user: list, lineno: int) -> None:
    """The header entry into Babel's catalog, one field at a time: a field Babel cannot read (a date in a
    format it does not know, a Plural-Forms it cannot split) is a finding, as msgfmt reads on."""
    pofile.header_line = lineno
    pofile.header = _header_fields(header)
    pofile.header_text = header
    pofile.header_untranslated = header == ""
    pofile.declared_charset = header_charset(header)
    catalog.header_comment = "\n".join(f"# {comment}".rstrip() for comment in user)
    catalog.fuzzy = "fuzzy" in flags
    for name, value in pofile.header:
        try:
            catalog.mime_headers = [(name, value)]
        except Exception as exc:  # Babel parses dates, plural counts and locales here and can raise anything
            pofile.findings.append(Finding(str(pofile.path), lineno, HEADER,
                                           f"Babel cannot read the {name} header ({value[:60]!r}: "
                                           f"{str(exc)[:80]}); msgfmt ignores it", severity=WARNING))
    try:
        rule = read_plural_forms(header)
    except PluralError:
        rule = None  # check reports it (checks._plural_forms_findings)
    if rule is not None:  # what msgfmt and libintl read (a reversed or repeated field too), not Babel's guess
        catalog.mime_headers = [("Plural-Forms", f"nplurals={rule.nplurals}; plural={rule.expression};")]


def _joined_range(flags: list[str]) -> list[str]:
    """msgfmt reads "range:" and the token after it as one flag (read-catalog-abstract.c); keep them as one
    ("range: 1..3"), or Babel's set of flags loses their order and writes them back apart."""
    if "range:" not in flags:
        return flags
    at = flags.index("range:")
    return flags[:at] + [" ".join(flags[at:at + 2])] + flags[at + 2:]


def _build_catalog(entries: list[tuple], pofile: PoFile) -> None:
    catalog = pofile.catalog
    msgstr_lines = pofile.msgstr_lines
    # Catalog.__setitem__ of a key it does not hold yet and an id other than "" stores the message in this
    # dict, after checks that cannot fail here (the reader's keys, Babel's own _key_for, are unique: a
    # second one is a duplicate error); done directly, ~0.5 µs less an entry. Each Message gets the fields
    # Message.__init__ sets (tests/tooling/test_pofile.py compares them), in one dict: Message() would guess
    # python-format from the msgid, which we must not (msgfmt trusts the flags), and setting the fields one
    # by one took ~0.3 µs more an entry.
    stored = catalog._messages
    new = Message.__new__
    for lineno, msgstr_line, obsolete, context, msgid, plural, strings, flags, locations, auto, user in entries:
        msgstr_lines[lineno] = msgstr_line
        if flags:
            flags = _joined_range([flag for flag in flags if flag])
        if msgid == "" and context is None and not obsolete:  # the header (a second one is a duplicate)
            _set_header(catalog, pofile, strings[0], flags, user, lineno)
            continue
        if plural is None:
            message_id, string = msgid, strings[0]
        else:
            message_id, string = (msgid, plural), tuple(strings)
        if locations:
            locations = [location for text in locations for location in _parse_location(text)]
        message = new(Message)
        message.__dict__ = {
            "id": message_id, "string": string, "context": context, "lineno": lineno,
            "locations": locations if len(locations) < 2 else list(dict.fromkeys(locations)),
            "flags": set(flags),  # (no "": filtered above)
            "auto_comments": auto if len(auto) < 2 else list(dict.fromkeys(auto)),
            "user_comments": user if len(user) < 2 else list(dict.fromkeys(user)),
            "previous_id": []}
        if obsolete:
            catalog.obsolete[msgid if context is None else (msgid, context)] = message
        elif msgid == "" and plural is None:
            # An empty msgid with a context is an ordinary entry for msgfmt, but Catalog.__setitem__ takes
            # any msgid "" for the header; a 1-tuple id gives the same key ("", context) through the
            # ordinary path, which wants a sequence as the string while it stores the message.
            message.string = (string,)
            catalog[(msgid,)] = message
            message.string = string
        else:
            stored[msgid if context is None else (msgid, context)] = message


def messages(catalog: Catalog) -> Iterator[Message]:
    """Every entry but the header, in order. (Iterating a Catalog yields a header built from its fields
    first, dates formatted through babel.dates, then `catalog._messages[key]` for every key: the values of
    that dict, which are read here directly, 3x faster; a catalog without it is iterated.)"""
    stored = getattr(catalog, "_messages", None)
    return iter(stored.values()) if type(stored) is dict else islice(catalog, 1, None)


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


def _encoding_findings(data: bytes, parser: _Parser, pofile: PoFile) -> list[Finding]:
    path = str(pofile.path)
    findings = []
    # msgfmt accepts both: warnings. A string's text is lost, though: PoFile.lost_text_lines, which the
    # site's own catalogs may not have (checks.check_catalog).
    for lines, where, why, severity in (
            (parser.bad_comment_lines, "comment", "msgfmt skips comments", WARNING),
            (parser.bad_string_lines, "string", "msgfmt copies them unchecked before the header or without a "
                                                "charset it knows", WARNING)):
        if lines:
            legacy = _japanese_encoding(data)
            hint = f"; the file looks like {legacy}: convert it with `iconv -f {legacy} -t UTF-8`" if legacy else ""
            findings.append(Finding(path, lines[0], ENCODING,
                                    f"{len(lines)} {where} line(s) with bytes that are not {parser.codec.upper()} "
                                    f"({why}): read as U+FFFD{hint}", severity=severity))
    if parser.unverified_lines:
        lines = parser.unverified_lines
        findings.append(Finding(path, lines[0], ENCODING,
                                f"{len(lines)} string line(s) in {parser.unverifiable}, which msgfmt checks and "
                                "Python cannot read, so this check cannot tell whether msgfmt -c accepts them: "
                                "convert with `msgconv --to-code=UTF-8 FILE -o FILE`"))
    if pofile.crlf_lines:
        findings.append(Finding(path, 1, ENCODING,
                                f"{pofile.crlf_lines} line(s) end in CR LF: msgfmt reads them, but every rewrite "
                                "turns them into LF; convert once with `sed -i 's/\\r$//' FILE`", severity=WARNING))
    if pofile.declared_charset and _codec(pofile.declared_charset) not in (None, "utf-8"):
        findings.append(Finding(path, pofile.header_line or 1, ENCODING,
                                f"charset={pofile.declared_charset}, not UTF-8: convert with "
                                "`msgconv --to-code=UTF-8 FILE -o FILE` (GNU gettext)", severity=WARNING))
    return findings + parser.notes + [Finding(path, line, DOMAIN, f"`domain {name!r}` directive: "
                                              "msgfmt -o ignores it, msgfmt --check rejects it; one catalog is "
                                              "one domain here") for line, name in parser.domains]


def parse_po(data: bytes, path: Path) -> PoFile:
    """Parse PO bytes strictly. Raises CatalogError listing every syntax, encoding and duplicate problem."""
    path = Path(path)
    with gc_paused():
        parser = _read(data, str(path))
        errors = parser.errors
        if errors:
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                errors = [Finding(str(path), 1, ENCODING_ERROR, "a UTF-16 file: a PO file must be in a charset "
                                  "ASCII is part of; convert it with `iconv -f UTF-16 -t UTF-8`")]
            invalid = [f for f in errors if f.code == ENCODING_ERROR and f.message.startswith("invalid multibyte")]
            legacy = _japanese_encoding(data) if invalid and parser.checked_codec == "utf-8" else None
            if legacy:
                errors = [f for f in errors if f not in invalid]
                errors.insert(0, Finding(str(path), invalid[0].line, ENCODING_ERROR,
                                         f"not UTF-8 though the header says so: the file is {legacy} "
                                         f"({len(invalid)} strings are invalid UTF-8); convert it with "
                                         f"`iconv -f {legacy} -t UTF-8`"))
            raise CatalogError(sorted(errors, key=lambda f: f.line) if legacy else errors)
        pofile = PoFile(path=path, catalog=Catalog(locale=None, fuzzy=False), charset=parser.codec,
                        crlf_lines=data.count(b"\r\n"))
        _build_catalog(parser.entries, pofile)
        if parser.previous_by_line:
            _set_previous(pofile.catalog, parser.previous_by_line)
        pofile.findings[:0] = _encoding_findings(data, parser, pofile)
        pofile.lost_text_lines = sorted(set(parser.bad_string_lines + parser.nul_lines))
    return pofile


def _set_previous(catalog: Catalog, previous_by_line: dict[int, dict[str, str]]) -> None:
    """`#| msgid` (and `#| msgid_plural`) into Message.previous_id, `#| msgctxt` into `previous_context`."""
    for message in messages(catalog):
        previous = None if message.lineno is None else previous_by_line.get(message.lineno)
        if previous:
            message.previous_id = [previous[key] for key in ("msgid", "msgid_plural") if key in previous]
            if "msgctxt" in previous:
                message.previous_context = previous["msgctxt"]  # type: ignore[attr-defined]  # the project's own


def read_po_file(path: Path) -> PoFile:
    """Read a catalog from disk strictly; an unreadable file is a CatalogError too (see read_po_bytes)."""
    return parse_po(read_po_bytes(path), Path(path))


def read_po_bytes(path: Path) -> bytes:
    """A catalog file's bytes. Only a regular file is read: a FIFO, a device (/dev/zero would be read until
    memory runs out) or a directory is refused at once, without blocking (files.read_regular); that and
    any other failure to read is a CatalogError."""
    path = Path(path)
    try:
        return read_regular(path)
    except RefusedFile as exc:
        raise CatalogError([Finding(str(path), 0, UNREADABLE, exc.reason)]) from exc
    except OSError as exc:
        raise CatalogError([Finding(str(path), 0, UNREADABLE, exc.strerror or str(exc))]) from exc


def po_bytes(catalog: Catalog) -> bytes:
    """A catalog (or the template) as the PO bytes every command writes: one line width, so rewriting an
    unchanged catalog gives the same bytes."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH)
    return buffer.getvalue()


def read_catalog(path: Path) -> Catalog:
    """Strict replacement for `babel.messages.pofile.read_po` on a file: raises CatalogError, nothing else."""
    return read_po_file(path).catalog
