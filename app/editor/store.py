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
import json
import logging
import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import normalize

from ..tooling.checks import format_problem, markup_problem
from ..tooling.compile import atomic_write
from ..tooling.pofile import WIDTH, PoFile, parse_po, read_po_file
from .db import connect

log = logging.getLogger(__name__)

FUZZY = "fuzzy"


def validate(ids: tuple[str, ...], strings: tuple[str, ...]) -> str | None:
    """Why this translation may not be saved (the verdict `check` and the live site give), or None.

    The one place the editor asks; point it at the project's single verdict function when there is one.
    Each form is compared with the msgid it translates: msgstr[0] with the singular (the plural for a
    language with one form), every other form with the plural.
    """
    for index, form in enumerate(strings):
        if not form:
            continue
        source = ids[-1] if index or len(strings) < len(ids) else ids[0]
        reason = markup_problem(source, form) or format_problem(source, form)
        if reason:
            return f"msgstr[{index}]: {reason}" if len(ids) > 1 else reason
    return None


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
    message = catalog.get(key.msgid, context=key.context)
    if message is None and key.msgid == "" and key.context is not None:  # see pofile._build_catalog
        message = catalog._messages.get(("", key.context))
    return message


@contextmanager
def catalog_lock(po_path: Path) -> Iterator[None]:
    """Exclusive lock on `<catalog>.lock`, beside it: every process saving to this catalog takes it.

    A separate lock file, not the catalog: the catalog is replaced by rename on every save, and a lock on
    the old inode would not exclude a process that opened the new one.
    """
    lock_path = Path(po_path).with_name(Path(po_path).name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


# --- patching the file's own text -------------------------------------------------------------------------

def _msgstr_lines(strings: tuple[str, ...], plural: bool, newline: str) -> list[str]:
    """The msgstr section as Babel's write_po writes it (same normalize, same width)."""
    if not plural:
        return [f"msgstr {normalize(strings[0], width=WIDTH)}".replace("\n", newline) + newline]
    return [f"msgstr[{index}] {normalize(form, width=WIDTH)}".replace("\n", newline) + newline
            for index, form in enumerate(strings)]


def _section_end(lines: list[str], start: int) -> int:
    """Index after the msgstr section starting at `start` (its keyword lines and continuation strings)."""
    end = start + 1
    while end < len(lines) and (lines[end].lstrip().startswith('"') or lines[end].lstrip().startswith("msgstr[")):
        end += 1
    return end


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


def _set_fuzzy(lines: list[str], start: int, first: int, fuzzy: bool, newline: str) -> int:
    """Set or clear the fuzzy flag among the comment lines lines[start:first]; return the change in line
    count. Clearing it also drops `#|` previous-msgid lines, which only mean something on a fuzzy entry."""
    flag_index = next((i for i in range(start, first) if lines[i].startswith("#,")), None)
    flags = [] if flag_index is None else [f.strip() for f in lines[flag_index][2:].split(",") if f.strip()]
    if (FUZZY in flags) == fuzzy:
        return 0
    flags = sorted({*flags, FUZZY}) if fuzzy else [f for f in flags if f != FUZZY]
    flag_line = "#" + ", ".join(["", *flags]) + newline if flags else None
    delta = 0
    if flag_index is None:
        # Babel's order: comments, #. , #: , #, and then #| lines.
        at = next((i for i in range(start, first) if lines[i].startswith("#|")), first)
        lines.insert(at, flag_line)
        return 1
    if not fuzzy:
        previous = [i for i in range(start, first) if lines[i].startswith("#|")]
        for i in reversed(previous):
            del lines[i]
        delta -= len(previous)
    if flag_line is None:
        del lines[flag_index]
        delta -= 1
    else:
        lines[flag_index] = flag_line
    return delta


def _set_header_fields(lines: list[str], pofile: PoFile, values: dict[str, str], newline: str) -> None:
    """Replace (or add at the end of the header) the `Name: value` lines of the header's msgstr."""
    if not pofile.header_line:
        return
    start = pofile.msgstr_lines[pofile.header_line] - 1
    end = _section_end(lines, start)
    pending = dict(values)
    for index in range(start, end):
        match = re.match(r'\s*(?:msgstr\s+)?"([\w-]+):', lines[index])
        if match and match.group(1) in pending:
            prefix = "msgstr " if lines[index].lstrip().startswith("msgstr") else ""
            name = match.group(1)
            lines[index] = f'{prefix}"{name}: {pending.pop(name)}\\n"{newline}'
    lines[end:end] = [f'"{name}: {value}\\n"{newline}' for name, value in pending.items()]


def patch_entry(data: bytes, pofile: PoFile, message: Message, strings: tuple[str, ...], fuzzy: bool,
                header: dict[str, str]) -> bytes:
    """`data` (the catalog file `pofile` was read from) with only `message`'s translation, its fuzzy flag
    and the given header fields changed."""
    charset = pofile.catalog.charset or "utf-8"
    text = data.decode(charset)
    bom = text[:1] == "\ufeff"
    lines = text[bom:].split("\n")
    newline = "\r\n" if lines and lines[0].endswith("\r") else "\n"
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    first = _entry_start(lines, message.lineno - 1, message.context is not None)
    section = pofile.msgstr_lines[message.lineno] - 1
    end = _section_end(lines, section)
    lines[section:end] = _msgstr_lines(strings, isinstance(message.id, (tuple, list)), newline)
    _set_fuzzy(lines, _comment_start(lines, first), first, fuzzy, newline)
    # The header comes before every entry: edited after the entry, its line numbers are still right.
    _set_header_fields(lines, pofile, header, newline)
    return (("\ufeff" if bom else "") + "".join(lines)).encode(charset)


# --- the save ---------------------------------------------------------------------------------------------

class CatalogStore:
    """One catalog file and the audit trail that records its saves."""

    def __init__(self, po_path: Path, locale: str, db_path: Path, git_commits: bool = True):
        self.po_path = Path(po_path)
        self.locale = locale
        self.db_path = Path(db_path)
        self.git_commits = git_commits

    def read(self) -> PoFile:
        return read_po_file(self.po_path)

    def save(self, key: EntryKey, strings, base, author: Author, *, fuzzy: bool = False,
             action: str = "save") -> Saved | Conflict | Refused:
        """Write `strings` as the translation of `key`, if the file still holds `base` for it.

        `base` is the translation the form showed when it was loaded. `fuzzy`: the entry's flag afterwards.
        Raises EntryGone when the entry is no longer in the catalog, CatalogError when the file on disk is
        not a valid catalog (nothing is written then).
        """
        strings, base = tuple(strings), tuple(base)
        with catalog_lock(self.po_path):
            data = self.po_path.read_bytes()
            pofile = parse_po(data, self.po_path)
            message = find_message(pofile.catalog, key)
            if message is None:
                raise EntryGone(key)
            on_disk = strings_of(message)
            if len(strings) != len(on_disk):
                return Refused(f"expected {len(on_disk)} form(s) of the translation, got {len(strings)}")
            if on_disk != base:
                return Conflict(on_disk, strings)
            reason = validate(ids_of(message), strings)
            if reason:
                return Refused(reason)
            was_fuzzy = FUZZY in message.flags
            if strings == on_disk and fuzzy == was_fuzzy:
                return Saved(on_disk, strings, fuzzy)
            header = {"PO-Revision-Date": time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime()),
                      "Last-Translator": author.header_value}
            try:
                patched = patch_entry(data, pofile, message, strings, fuzzy, header)
            except UnicodeEncodeError:
                return Refused(f"the catalog's charset ({pofile.catalog.charset}) cannot hold this text")
            # Never write a file we could not read back as a valid catalog with exactly this change.
            check = find_message(parse_po(patched, self.po_path).catalog, key)
            if check is None or strings_of(check) != strings or (FUZZY in check.flags) != fuzzy:
                raise RuntimeError(f"patching {key} did not give the expected entry")  # pragma: no cover
            atomic_write(self.po_path, patched)
            commit = self._commit(key, author, action) if self.git_commits else None
            self._audit(key, author, action, on_disk, strings, fuzzy, commit)
            return Saved(on_disk, strings, fuzzy, commit)

    def _audit(self, key, author, action, before, after, fuzzy, commit) -> None:
        with connect(self.db_path) as db:
            db.execute("INSERT INTO audit (at, user, locale, context, msgid, action, before, after, fuzzy,"
                       " git_commit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (time.time(), author.name, self.locale, key.context, key.msgid, action,
                        json.dumps(list(before), ensure_ascii=False), json.dumps(list(after), ensure_ascii=False),
                        int(fuzzy), commit))

    def history(self, key: EntryKey) -> list[dict]:
        """Every recorded change of `key`, newest first."""
        with connect(self.db_path) as db:
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
