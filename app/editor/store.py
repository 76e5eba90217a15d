"""Saving one entry of a catalog so that no edit is ever lost. Knows nothing of Flask.

A save, under an inter-process lock (`fcntl.flock` on a lock file beside the catalog, so it holds across
gunicorn workers and across servers on one machine):
1. re-reads the catalog from disk, strictly (a file another tool broke is refused, never patched);
2. compares the entry's translation with the one the translator's form was loaded with: if it changed
   (another translator, a text editor, a `git pull`), nothing is written and the caller gets a Conflict
   with both versions;
3. otherwise patches only that entry's msgstr lines and `#,` flags (plus the header's PO-Revision-Date and
   Last-Translator) into the file's own text, so every other byte stays exactly as on disk, and replaces the
   file atomically (readers see the old file or the new one);
4. records an audit row (who, when, entry, before, after) and, when the catalog is in a git work tree, a
   commit with the translator as author.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import normalize, unescape

from ..tooling.compile import atomic_write
from ..tooling.pofile import WIDTH, CatalogError, messages, parse_po
from ..tooling.formats import GERMANIC, strict_forms
from ..tooling.verdict import refusal
from .db import opened

log = logging.getLogger(__name__)

FUZZY = "fuzzy"


# Longer than any string of the site (its longest paragraph is ~750 characters). Babel's line wrapping, which
# every writer of the file shares, is quadratic in an unbroken run of letters: a 490 KB form would hold the
# catalog's lock for half an hour.
MAX_TRANSLATION_LENGTH = 5000
# C0 controls other than tab and newline: msgfmt cuts a string at a NUL, and none belongs in page text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


_PLURAL_FORMS_RE = re.compile(r'"Plural-Forms:\s*nplurals\s*=\s*(\d{1,3})\s*;\s*plural\s*=\s*([^;"\\]+)')


def plural_strictness(head: str) -> frozenset[int] | None:
    """The plural forms msgfmt -c checks strictly, from the Plural-Forms in a catalog's first lines (as
    formats.catalog_strict_forms gives them for a parsed catalog), so a save gets the site's verdict."""
    match = _PLURAL_FORMS_RE.search(head)
    return strict_forms(int(match.group(1)), match.group(2)) if match else GERMANIC


def validate(ids: tuple[str, ...], strings: tuple[str, ...],
             strict: frozenset[int] | None = GERMANIC) -> str | None:
    """Why this translation may not be saved: too long, a control character, or the verdict `check`,
    `compile` and the live site give (verdict.refusal, on the entry as it would be saved, with the
    catalog's plural `strict` forms); else None."""
    for form in strings:
        if len(form) > MAX_TRANSLATION_LENGTH:
            return f"longer than {MAX_TRANSLATION_LENGTH:,} characters ({len(form):,})"
        control = _CONTROL_RE.search(form)
        if control:
            return f"has the control character U+{ord(control.group()):04X} at position {control.start() + 1}"
    plural = len(ids) > 1
    message = Message(ids if plural else ids[0], tuple(strings) if plural else strings[0])
    verdict = refusal(message, strict=strict)
    return verdict and verdict.reason


@dataclass(frozen=True)
class EntryKey:
    """Which entry: its msgctxt (None when it has none) and its msgid (the singular, for plurals)."""

    context: str | None
    msgid: str


@dataclass(frozen=True)
class Author:
    name: str
    email: str = ""

    @property
    def header_value(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass(frozen=True)
class Saved:
    before: tuple[str, ...]
    after: tuple[str, ...]
    fuzzy: bool
    git_commit: str | None = None


@dataclass(frozen=True)
class Conflict:
    """The entry changed since the form was loaded: nothing was written."""

    on_disk: tuple[str, ...]  # what the file holds now
    yours: tuple[str, ...]  # what the translator sent, to be kept in the form


@dataclass(frozen=True)
class Refused:
    reason: str


class EntryGone(LookupError):
    """The entry is no longer in the catalog (e.g. `update` removed it)."""


def strings_of(message: Message) -> tuple[str, ...]:
    string = message.string
    return (string or "",) if not isinstance(string, (tuple, list)) else tuple(s or "" for s in string)


def ids_of(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


def find_message(catalog, key: EntryKey) -> Message | None:
    return catalog.get(key.msgid, context=key.context)


def _lock_path(po_path: Path) -> Path:
    return Path(po_path).with_name(Path(po_path).name + ".lock")


def _known_valid(po_path: Path) -> set[str]:
    """SHA-256 digests of recent versions of the catalog that a save wrote or a full parse found valid,
    one a line in the lock file: shared by every process, so each version is parsed once, not once each."""
    try:
        return set(_lock_path(po_path).read_bytes().decode("ascii", "replace").split())
    except FileNotFoundError:
        return set()


def remember_valid(po_path: Path, data: bytes, digest: str | None = None) -> None:
    """Record `data` (SHA-256 `digest`) as a valid version: its digest in the lock file, and the bytes
    themselves in `<catalog>.valid`, from which the next change by someone else is validated as a diff.
    Only a cache: when it cannot be written (a read-only directory), the next save parses the whole file."""
    digest = digest or hashlib.sha256(data).hexdigest()
    snapshot = Path(po_path).with_name(Path(po_path).name + ".valid")
    try:
        fd = os.open(_lock_path(po_path), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{digest}\n".encode())  # one small O_APPEND write: never interleaved with another
        finally:
            os.close(fd)
        fd, tmp = tempfile.mkstemp(dir=snapshot.parent, prefix=f".{snapshot.name}.")
        with os.fdopen(fd, "wb") as file:  # no fsync: a cache
            file.write(data)
        os.replace(tmp, snapshot)
    except OSError as err:
        log.warning("could not record a valid version of %s: %s", po_path, err)


_ENTRY_LINE_RE = re.compile(rb"\s*(#|msgctxt|msgid|\Z)")
MAX_CHANGE = 256 * 1024  # bytes of changed entries validated as a diff; more is parsed whole


def _changed_blocks(old: bytes, new: bytes) -> list[bytes] | None:
    """The blank-line-separated blocks of `new` that differ from `old`, grouped where adjacent; None when
    they cannot be read on their own (a block that does not start an entry) or are too many."""
    before, after = old.split(b"\n\n"), new.split(b"\n\n")
    shortest = min(len(before), len(after))
    prefix = 0
    while prefix < shortest and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    stop = len(after) - suffix
    if len(before) == len(after):  # entries changed in place: each differing block on its own
        changed = [i for i in range(prefix, stop) if before[i] != after[i]]
    else:  # entries added or removed: everything between the common ends
        changed = list(range(prefix, stop))
    groups: list[list[int]] = []
    for index in changed:
        if groups and groups[-1][-1] == index - 1:
            groups[-1].append(index)
        else:
            groups.append([index])
    if sum(len(after[i]) for i in changed) > MAX_CHANGE:
        return None
    for group in groups:
        following = group[-1] + 1
        if not _ENTRY_LINE_RE.match(after[group[0]]) or (following < len(after) and not _ENTRY_LINE_RE.match(after[following])):
            return None  # a blank line inside an entry: only a whole parse can tell where entries are
    return [b"\n\n".join(after[i] for i in group) for group in groups]


def _valid_change(po_path: Path, data: bytes) -> bool:
    """True when `data` is a small change from the last valid version (`<catalog>.valid`) and the changed
    entries are valid on their own and add no duplicate; False means "parse the whole file"."""
    try:
        old = Path(po_path).with_name(Path(po_path).name + ".valid").read_bytes()
    except FileNotFoundError:
        return False
    charset = _CHARSET_RE.search(data, 0, 64 * 1024)
    if charset and charset.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    blocks = _changed_blocks(old, data)
    if blocks is None:
        return False
    text = None
    for block in blocks:
        try:
            catalog = parse_po(block, Path(po_path)).catalog
        except CatalogError:
            return False
        text = text or _Text.of(data)
        for message in messages(catalog):
            if _count_by_text(text, EntryKey(message.context, ids_of(message)[0])) != 1:
                return False  # a duplicate elsewhere, or a file written otherwise than Babel writes
    return True


LOCK_TIMEOUT = 20  # seconds a save waits for another one (or a text editor holding the lock) to finish


class CatalogBusy(Exception):
    """The lock was not free within LOCK_TIMEOUT: nothing was written."""


@contextmanager
def catalog_lock(po_path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[int]:
    """Exclusive lock on `<catalog>.lock`, beside it: every process saving to this catalog takes it.

    A separate lock file, not the catalog: the catalog is replaced by rename on every save, and a lock on
    the old inode would not exclude a process that opened the new one. The lock file also lists the
    SHA-256 of recent versions known valid (see CatalogStore.save). Yields the lock file's descriptor.
    """
    fd = os.open(_lock_path(po_path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise CatalogBusy(f"{po_path} is locked by another save") from None
                time.sleep(0.005)
        yield fd
    finally:
        os.close(fd)  # releases the lock


# --- finding and patching one entry in the file's own text ------------------------------------------------

_CHARSET_RE = re.compile(rb'"Content-Type:[^"\n]*charset=([-\w.:]+)', re.IGNORECASE)


@dataclass
class _Text:
    """A catalog file split at "\n" (a CRLF file's lines keep their "\r": `cr`), so joining them with "\n"
    gives the file back exactly."""

    lines: list[str]
    charset: str
    bom: bool
    cr: str  # "\r" in a CRLF file, else ""
    joined: str  # the text as read (without a BOM), for searching; `lines` is what gets changed

    @classmethod
    def of(cls, data: bytes) -> "_Text":
        match = _CHARSET_RE.search(data, 0, 64 * 1024)
        charset = match.group(1).decode("ascii") if match else "utf-8"
        text = data.decode(charset)
        bom = text[:1] == "\ufeff"
        lines = text[bom:].split("\n")
        return cls(lines, charset, bom, "\r" if lines[0].endswith("\r") else "", text[bom:])

    def encode(self) -> bytes:
        return (("\ufeff" if self.bom else "") + "\n".join(self.lines)).encode(self.charset)


@dataclass
class _Entry:
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


def _parse_snippet(text: _Text, start: int, end: int) -> Message | None:
    """The one entry in lines[start:end], read by the strict reader; None if they are not exactly one."""
    try:
        catalog = parse_po("\n".join(text.lines[start:end]).encode("utf-8"), Path("entry.po")).catalog
    except CatalogError:
        return None
    found = list(messages(catalog))
    return found[0] if len(found) == 1 and not catalog.obsolete else None


def _entry_at(text: _Text, msgid_index: int, key: EntryKey) -> _Entry | None:
    lines = text.lines
    keyword = _entry_start(lines, msgid_index, key.context is not None)
    msgstr = next((i for i in range(msgid_index + 1, len(lines)) if lines[i].lstrip().startswith("msgstr")), None)
    if msgstr is None:
        return None
    start, end = _comment_start(lines, keyword), _section_end(lines, msgstr)
    message = _parse_snippet(text, start, end)
    if message is None or message.context != key.context or ids_of(message)[0] != key.msgid:
        return None
    return _Entry(message, start, keyword, msgstr, end)


def _by_text(text: _Text, key: EntryKey):
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


def _find_by_text(text: _Text, key: EntryKey) -> _Entry | None:
    return next(_by_text(text, key), None)


def _count_by_text(text: _Text, key: EntryKey) -> int | None:
    found = list(_by_text(text, key))
    return None if None in found else len(found)


def _find_by_parse(text: _Text, data: bytes, path: Path, key: EntryKey) -> _Entry | None:
    """The entry found by parsing the whole file strictly (raises CatalogError when it is not valid)."""
    pofile = parse_po(data, path)
    message = find_message(pofile.catalog, key)
    return None if message is None else _entry_at(text, message.lineno - 1, key)


def _previous_msgid(comments: list[str]) -> str | None:
    """The `#| msgid "..."` (with its `#| "..."` continuation lines) among an entry's comment lines."""
    parts, inside = None, False
    for line in comments:
        body = line[2:].strip() if line.startswith("#|") else None
        if body is not None and body.startswith("msgid "):
            parts, inside = [body[6:].strip()], True
        elif inside and body is not None and body.startswith('"'):
            parts.append(body)
        else:
            inside = False
    return None if parts is None else "".join(unescape(part) for part in parts)


def _msgstr_lines(strings: tuple[str, ...], plural: bool, cr: str) -> list[str]:
    """The msgstr section as Babel's write_po writes it (same normalize, same width)."""
    keywords = [f"msgstr[{index}]" for index in range(len(strings))] if plural else ["msgstr"]
    return [line + cr for keyword, form in zip(keywords, strings)
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


def _patch(text: _Text, entry: _Entry, strings: tuple[str, ...], fuzzy: bool, header: dict[str, str]) -> tuple[int, int]:
    """Change only `entry`'s msgstr lines and fuzzy flag, and the header's fields, in `text`; return the
    entry's new [start, end)."""
    lines = text.lines
    new_msgstr = _msgstr_lines(strings, isinstance(entry.message.id, (tuple, list)), text.cr)
    lines[entry.msgstr:entry.end] = new_msgstr
    delta = _set_fuzzy(lines, entry.start, entry.keyword, fuzzy, text.cr)
    start, end = entry.start, entry.msgstr + len(new_msgstr) + delta
    # The header comes before every entry: edited after the entry, the entry's indices shift with it.
    before = len(lines)
    _set_header_fields(lines, header, text.cr)
    shift = len(lines) - before
    return start + shift, end + shift


# --- the save ---------------------------------------------------------------------------------------------

class CatalogStore:
    """One catalog file and the audit trail that records its saves."""

    def __init__(self, po_path: Path, locale: str, db_path: Path, git_commits: bool = True):
        self.po_path = Path(po_path)
        self.locale = locale
        self.db_path = Path(db_path)
        self.git_commits = git_commits

    def entry(self, key: EntryKey) -> tuple[Message, str | None] | None:
        """The entry as on disk now and its previous msgid (`#| msgid`, which the reader does not keep),
        found without parsing the whole file when it is written as Babel writes (for showing it; a save
        validates the file itself). None when there is no such entry."""
        data = self.po_path.read_bytes()
        text = _Text.of(data)
        found = _find_by_text(text, key) or _find_by_parse(text, data, self.po_path, key)
        if found is None:
            return None
        return found.message, _previous_msgid(text.lines[found.start:found.keyword])

    def save(self, key: EntryKey, strings, base, author: Author, *, fuzzy: bool = False,
             action: str = "save") -> Saved | Conflict | Refused:
        """Write `strings` as the translation of `key`, if the file still holds `base` for it.

        `base` is the translation the form showed when it was loaded. `fuzzy`: the entry's flag afterwards.
        Raises EntryGone when the entry is no longer in the catalog, CatalogError when the file on disk is
        not a valid catalog, CatalogBusy when the lock stays taken (nothing is written then).

        The whole file is parsed (and so validated) unless it is byte for byte a version a save wrote or a
        process parsed (their SHA-256 are kept in the lock file): then only this entry is found and read. A
        20,000-entry catalog takes ~0.6 s to parse, which would make saves queue behind each other.
        """
        strings, base = tuple(strings), tuple(base)
        self._validate()
        with catalog_lock(self.po_path) as lock_fd:
            data = self.po_path.read_bytes()
            text = _Text.of(data)
            known = self._validate(data)
            found = (_find_by_text(text, key) if known else None) or _find_by_parse(text, data, self.po_path, key)
            if found is None:
                raise EntryGone(key)
            message = found.message
            on_disk = strings_of(message)
            if len(strings) != len(on_disk):
                return Refused(f"expected {len(on_disk)} form(s) of the translation, got {len(strings)}")
            if on_disk != base:
                return Conflict(on_disk, strings)
            reason = validate(ids_of(message), strings, plural_strictness(data[:8192].decode("utf-8", "replace")))
            if reason:
                return Refused(reason)
            if strings == on_disk and fuzzy == (FUZZY in message.flags):
                return Saved(on_disk, strings, fuzzy)
            header = {"PO-Revision-Date": time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime()),
                      "Last-Translator": author.header_value}
            start, end = _patch(text, found, strings, fuzzy, header)
            try:
                patched = text.encode()
            except UnicodeEncodeError:
                return Refused(f"the catalog's charset ({text.charset}) cannot hold this text")
            # Never write a file whose changed entry does not read back as exactly this change.
            check = _parse_snippet(text, start, end)
            if check is None or strings_of(check) != strings or (FUZZY in check.flags) != fuzzy:
                raise RuntimeError(f"patching {key} did not give the expected entry")  # pragma: no cover
            atomic_write(self.po_path, patched)
            if os.fstat(lock_fd).st_size > 64 * 65:  # keep the last few digests
                os.ftruncate(lock_fd, 0)
            remember_valid(self.po_path, patched, hashlib.sha256(patched).hexdigest())
            commit = self._commit(key, author, action) if self.git_commits else None
            self._audit(key, author, action, on_disk, strings, fuzzy, commit)
            return Saved(on_disk, strings, fuzzy, commit)

    def _validate(self, data: bytes | None = None) -> bool:
        """Raise CatalogError unless the catalog (`data`, or the file now) is valid; True when it is a
        known version or a valid small change from one (the entry can then be found by a string search).

        Called first before the lock is taken: the slow part (a whole parse, for a change by someone else)
        then runs in parallel instead of holding up every other save, and under the lock the file is only
        checked again if it changed in between.
        """
        data = self.po_path.read_bytes() if data is None else data
        digest = hashlib.sha256(data).hexdigest()
        if digest in _known_valid(self.po_path):
            return True
        small = _valid_change(self.po_path, data)
        if not small:
            parse_po(data, self.po_path)
        remember_valid(self.po_path, data, digest)
        return small

    def _audit(self, key, author, action, before, after, fuzzy, commit) -> None:
        with opened(self.db_path) as db:
            db.execute("INSERT INTO audit (at, user, locale, context, msgid, action, before, after, fuzzy,"
                       " git_commit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (time.time(), author.name, self.locale, key.context, key.msgid, action,
                        json.dumps(list(before), ensure_ascii=False), json.dumps(list(after), ensure_ascii=False),
                        int(fuzzy), commit))

    def history(self, key: EntryKey) -> list[dict]:
        """Every recorded change of `key`, newest first."""
        with opened(self.db_path) as db:
            rows = db.execute("SELECT * FROM audit WHERE locale = ? AND msgid = ? AND context IS ?"
                              " ORDER BY id DESC", (self.locale, key.msgid, key.context)).fetchall()
        return [{**dict(row), "before": tuple(json.loads(row["before"])), "after": tuple(json.loads(row["after"]))}
                for row in rows]

    def _commit(self, key: EntryKey, author: Author, action: str) -> str | None:
        """Commit the catalog alone, with the translator as author, when it is tracked in a git work tree."""
        directory = self.po_path.parent
        git = ["git", "-C", str(directory)]
        try:
            tracked = subprocess.run([*git, "ls-files", "--error-unmatch", self.po_path.name],
                                     capture_output=True, timeout=30)
            if tracked.returncode:
                return None  # not in git, or not tracked there
            what = key.msgid if key.context is None else f"{key.context}: {key.msgid}"
            summary = what if len(what) <= 50 else what[:49] + "…"
            subprocess.run([*git, "-c", "user.name=Translation editor", "-c", "user.email=editor@localhost",
                            "commit", "--quiet", "--no-verify",
                            f"--author={author.name} <{author.email or author.name + '@editor'}>",
                            "-m", f"{self.locale}: {action} {summary!r}", "--", self.po_path.name],
                           capture_output=True, timeout=60, check=True)
            head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30,
                                  check=True)
            return head.stdout.strip()
        except (OSError, subprocess.SubprocessError) as err:  # the save stands; the audit row says no commit
            log.warning("saved %s but could not commit it: %s", self.po_path, err)
            return None
