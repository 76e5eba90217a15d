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

from ..db import opened
from ..tooling import po_patch
from ..tooling.entry import EntryKey, ids_of, key_of, strings_of
from ..tooling.files import atomic_write
from ..tooling.formats import GERMANIC, catalog_strict_forms
from ..tooling.po_patch import FUZZY, PoText, header_of
from ..tooling.pofile import CatalogError, messages, parse_po
from ..tooling.verdict import refusal

log = logging.getLogger(__name__)


# Longer than any string of the site (its longest paragraph is ~750 characters). Babel's line wrapping, which
# every writer of the file shares, is quadratic in an unbroken run of letters: a 490 KB form would hold the
# catalog's lock for half an hour.
MAX_TRANSLATION_LENGTH = 5000
# C0 controls other than tab and newline: msgfmt cuts a string at a NUL, and none belongs in page text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


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
    verdict = refusal(ids, tuple(strings), strict=strict)
    return verdict.reason if verdict else None


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
    try:
        charset = header_of(data).charset
    except CatalogError:
        return False
    if charset != "utf-8":  # the changed blocks are read on their own, without the header's charset
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
        text = text or PoText.of(data, charset)
        for message in messages(catalog):
            if po_patch.count(text, key_of(message)) != 1:
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
        text = PoText.of(data, header_of(data).charset)
        found = po_patch.find(text, key) or po_patch.find_by_parse(text, data, self.po_path, key)
        if found is None:
            return None
        return found.message, po_patch.previous_msgid(text, found)

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
            known = self._validate(data)
            header = header_of(data)
            text = PoText.of(data, header.charset)
            found = (po_patch.find(text, key) if known else None) or po_patch.find_by_parse(text, data, self.po_path, key)
            if found is None:
                raise EntryGone(key)
            message = found.message
            on_disk = strings_of(message)
            if len(strings) != len(on_disk):
                return Refused(f"expected {len(on_disk)} form(s) of the translation, got {len(strings)}")
            if on_disk != base:
                return Conflict(on_disk, strings)
            reason = validate(ids_of(message), strings, catalog_strict_forms(header.catalog))
            if reason:
                return Refused(reason)
            if strings == on_disk and fuzzy == (FUZZY in message.flags):
                return Saved(on_disk, strings, fuzzy)
            fields = {"PO-Revision-Date": time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime()),
                      "Last-Translator": author.header_value}
            start, end = po_patch.patch(text, found, strings, fuzzy, fields)
            try:
                patched = text.encode()
            except UnicodeEncodeError:
                return Refused(f"the catalog's charset ({text.charset}) cannot hold this text")
            # Never write a file whose changed entry does not read back as exactly this change.
            check = po_patch.read_back(text, start, end)
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
