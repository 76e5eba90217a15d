"""Saving one entry of a catalog so that no edit is ever lost. Knows nothing of Flask.

A save, under an inter-process lock (`fcntl.flock` on a lock file beside the catalog, so it holds across
gunicorn workers and across servers on one machine; waited for at most LOCK_TIMEOUT):
1. re-reads the catalog from disk through the file guard, strictly (a file another tool broke, a symlink or
   a FIFO is refused, never patched);
2. compares the entry's translation with the one the translator's form was loaded with: if it changed
   (another translator, a text editor, a `git pull`), nothing is written and the caller gets a Conflict
   with both versions;
3. otherwise patches only that entry's msgstr lines and `#,` flags (plus the header's PO-Revision-Date and
   Last-Translator) into the file's own text, reserves a pending audit row, and replaces the file atomically
   if it is still the version read (else reads again and re-applies), then marks the row done;
4. after the lock, commits exactly that change (HEAD's catalog plus this entry) with the translator as
   author, when the catalog is tracked in a git work tree.
"""
from __future__ import annotations

import errno
import fcntl
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

from ..db import opened, transaction
from ..tooling import po_patch
from ..tooling.entry import EntryKey, ids_of, key_of, strings_of
from ..tooling.files import (FileChanged, FileVersion, RefusedFile, UnsafeSideFile, atomic_write, open_side_file,
                             read_version)
from ..tooling.findings import Finding
from ..tooling.formats import GERMANIC, catalog_strict_forms
from ..tooling.po_patch import FUZZY, PoText, header_of
from ..tooling.pofile import UNREADABLE, CatalogError, messages, parse_po
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


MAX_CATALOG_BYTES = 32 * 1024 * 1024  # a 20,000-entry catalog is ~3 MB; /dev/zero or a runaway file is not read

# The last version of each catalog this process found valid (a save wrote it or a whole parse read it), with
# its bytes, from which a change by someone else is validated as a diff. Only in memory and only as the editor
# computed it: nothing another process or a commit can write decides that a file needs no validation.
_valid: dict[Path, tuple[FileVersion, bytes]] = {}


def remember_valid(po_path: Path, data: bytes, version: FileVersion) -> None:
    """Record `data`, read (or written) as `version` of the catalog, as valid."""
    _valid[Path(po_path)] = (version, data)


def read_catalog(po_path: Path) -> tuple[bytes, FileVersion]:
    """The catalog's bytes and version, read through the file guard: a regular file (no FIFO, device or
    directory; at most MAX_CATALOG_BYTES), never through a symlink. Anything else is a CatalogError that names
    the file by its locale-relative path only (no absolute path, nothing of a link's target)."""
    po_path = Path(po_path)
    shown = Path(*po_path.parts[-3:])
    try:
        return read_version(po_path, follow_symlinks=False, limit=MAX_CATALOG_BYTES)
    except RefusedFile as err:
        reason = err.reason
    except OSError as err:
        if err.errno == errno.ENOENT:
            raise
        reason = "is a symbolic link: refused" if err.errno == errno.ELOOP else os.strerror(err.errno or 0)
    log.warning("catalog %s %s", po_path, reason)
    raise CatalogError([Finding(str(shown), 0, UNREADABLE, reason)])


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
    """True when `data` is a small change from the last version this process found valid and the changed
    entries are valid on their own and add no duplicate; False means "parse the whole file"."""
    known = _valid.get(Path(po_path))
    if known is None:
        return False
    old = known[1]
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
            read = parse_po(block, Path(po_path))
        except CatalogError:
            return False
        if read.findings or read.lost_text_lines:  # (invalid UTF-8, say): the whole parse says if it is an error
            return False
        catalog = read.catalog
        text = text or PoText.of(data, charset)
        for message in messages(catalog):
            if po_patch.count(text, key_of(message)) != 1:
                return False  # a duplicate elsewhere, or a file written otherwise than Babel writes
    return True


LOCK_TIMEOUT = 2  # seconds a save waits for another one (or a text editor holding the lock) before "busy"
RETRY_AFTER = 5  # seconds a busy page asks the translator to wait before saving again
MAX_ATTEMPTS = 5  # times a save re-reads and re-applies its change when the file changed under it


class CatalogBusy(Exception):
    """The lock was not free within LOCK_TIMEOUT, or the file kept changing: nothing was written."""


@contextmanager
def catalog_lock(po_path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[int]:
    """Exclusive lock on `<catalog>.lock`, beside it: every process saving to this catalog takes it.

    A separate lock file, not the catalog: the catalog is replaced by rename on every save, and a lock on
    the old inode would not exclude a process that opened the new one. The lock file is a side file the
    editor creates (files.open_side_file: a symlink or FIFO in its place is refused, never followed) and
    never writes. Raises CatalogBusy after `timeout` s, UnsafeSideFile or an OSError (EROFS) when it cannot
    be opened. Yields the lock file's descriptor.
    """
    try:
        fd = open_side_file(_lock_path(po_path))
    except UnsafeSideFile as err:
        log.error("refusing the lock file of %s: %s", po_path, err.reason)
        raise
    try:
        deadline = time.monotonic() + timeout
        pause = 0.002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise CatalogBusy("another save (or someone editing the file) holds the catalog's lock") from None
                # Another save holds it for milliseconds; a person with `flock … vim` for minutes: back off, so
                # that waiting workers do not take the CPU from the site's visitors.
                time.sleep(pause)
                pause = min(pause * 2, 0.05)
        yield fd
    finally:
        os.close(fd)  # releases the lock


# --- the save ---------------------------------------------------------------------------------------------

PENDING, DONE, FAILED = "pending", "done", "failed"  # an audit row's status: reserved, on disk, never on disk
GIT_TIMEOUT = 5.0  # seconds for all of one commit's git commands together: a request never waits longer
GIT = ("git", "-c", "core.hooksPath=/dev/null")  # no hook runs inside a request (a post-commit push…)


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
        data, _ = read_catalog(self.po_path)
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
        not a valid catalog (or not a regular file), CatalogBusy when the lock stays taken or the file keeps
        changing, OSError when it cannot be written (ENOSPC, EROFS): nothing is written then.

        Under the lock: reconcile audit rows a crashed save left pending; read the file; patch the entry;
        reserve a pending audit row; replace the file only if it is still the version read (a text editor or
        `git pull` does not take the lock: if it wrote in between, read again and re-apply, up to
        MAX_ATTEMPTS); mark the row done. After the lock: commit exactly this change (`_commit`).

        The whole file is parsed (and so validated) unless this process found that very version valid or it
        is a small valid change from it: then only this entry is found and read. A 20,000-entry catalog takes
        ~0.6 s to parse, which would make saves queue behind each other.
        """
        strings, base = tuple(strings), tuple(base)
        self._validate(*read_catalog(self.po_path))  # a whole parse, if needed, outside the lock
        with catalog_lock(self.po_path):
            self._reconcile_locked()
            for _attempt in range(MAX_ATTEMPTS):
                outcome = self._save_locked(key, strings, base, author, fuzzy, action)
                if outcome is not None:
                    break
            else:
                raise CatalogBusy("the catalog kept changing on disk while saving")
        if not isinstance(outcome, tuple):
            return outcome
        saved, audit_id, fields = outcome
        if self.git_commits:
            commit, note = self._commit(key, author, action, strings, fuzzy, fields)
            self._record_commit(audit_id, commit, note)
            saved = Saved(saved.before, saved.after, saved.fuzzy, commit)
        return saved

    def _save_locked(self, key, strings, base, author, fuzzy, action):
        """One read-patch-replace: (Saved, audit row id, header fields) when the file was replaced; a Saved
        (nothing to change), Conflict or Refused when nothing was written; None when the file changed
        before the replace (nothing written: read again)."""
        data, version = read_catalog(self.po_path)
        known = self._validate(data, version)
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
        audit_id = self._reserve(key, author, action, on_disk, strings, fuzzy)
        try:
            written = atomic_write(self.po_path, patched, unchanged=version, limit=MAX_CATALOG_BYTES)
        except FileChanged:
            self._set_status(audit_id, FAILED)
            log.info("%s changed on disk during a save of %s: read again", self.po_path, key.id)
            return None
        except BaseException:
            self._set_status(audit_id, FAILED)
            raise
        remember_valid(self.po_path, patched, written)
        self._mark_done(audit_id)
        return Saved(on_disk, strings, fuzzy), audit_id, fields

    def _validate(self, data: bytes, version: FileVersion) -> bool:
        """Raise CatalogError unless `data` (read as `version`) is a valid catalog; True when it is the
        version this process last found valid or a valid small change from it (the entry can then be found
        by a string search).

        Called first before the lock is taken: the slow part (a whole parse, for a change by someone else)
        then runs in parallel instead of holding up every other save, and under the lock the file is only
        checked again if it changed in between.
        """
        known = _valid.get(self.po_path)
        if known is not None and known[0] == version:
            return True
        small = _valid_change(self.po_path, data)
        if not small:
            parse_po(data, Path(*self.po_path.parts[-3:]))
        remember_valid(self.po_path, data, version)
        return small

    # --- the audit trail: a pending row, the replace, then done (or reconciled after a crash) ---------------

    def _reserve(self, key, author, action, before, after, fuzzy) -> int:
        with opened(self.db_path) as db, transaction(db, immediate=True):
            row_id = db.execute(
                "INSERT INTO audit (at, user, locale, context, msgid, action, before, after, fuzzy, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (time.time(), author.name, self.locale, key.context, key.msgid, action,
                 json.dumps(list(before), ensure_ascii=False), json.dumps(list(after), ensure_ascii=False),
                 int(fuzzy), PENDING)).lastrowid
        assert row_id is not None  # an INSERT into a rowid table always sets it
        return row_id

    def _mark_done(self, audit_id: int) -> None:
        self._set_status(audit_id, DONE)

    def _set_status(self, audit_id: int, status: str) -> None:
        with opened(self.db_path) as db:
            db.execute("UPDATE audit SET status = ? WHERE id = ?", (status, audit_id))

    def reconcile(self, timeout: float = 0) -> int | None:
        """Settle the audit rows that a save killed mid-way left pending (see `_reconcile_locked`); None when
        the lock is busy (the next save does it)."""
        try:
            with catalog_lock(self.po_path, timeout=timeout):
                return self._reconcile_locked()
        except CatalogBusy:
            return None

    @staticmethod
    def pending_locales(db_path: Path) -> list[str]:
        """The locales with audit rows left pending by a save that died mid-way."""
        with opened(db_path) as db:
            return [row[0] for row in db.execute("SELECT DISTINCT locale FROM audit WHERE status = ?", (PENDING,))]

    def _reconcile_locked(self) -> int:
        """Under the lock no save of this catalog is under way, so a pending row is one whose save died:
        done when the file holds the row's `after` (and flag), else failed (the replace never happened).
        Returns the number of rows settled."""
        with opened(self.db_path) as db:
            rows = db.execute("SELECT id, context, msgid, after, fuzzy FROM audit WHERE locale = ? AND status = ?",
                              (self.locale, PENDING)).fetchall()
        if not rows:
            return 0
        try:
            data, _ = read_catalog(self.po_path)
            text = PoText.of(data, header_of(data).charset)
        except (CatalogError, OSError) as err:
            log.warning("cannot reconcile %d pending audit rows of %s: %s", len(rows), self.po_path, err)
            return 0
        for row in rows:
            key = EntryKey(row["context"], row["msgid"])
            try:
                found = po_patch.find(text, key) or po_patch.find_by_parse(text, data, self.po_path, key)
            except CatalogError:
                found = None
            on_disk = found is not None and (strings_of(found.message), FUZZY in found.message.flags) == (
                tuple(json.loads(row["after"])), bool(row["fuzzy"]))
            self._set_status(row["id"], DONE if on_disk else FAILED)
            log.warning("audit row %d of an interrupted save: %s", row["id"], "done" if on_disk else "not on disk")
        return len(rows)

    def history(self, key: EntryKey) -> list[dict]:
        """Every change of `key` that reached the file, newest first."""
        with opened(self.db_path) as db:
            rows = db.execute("SELECT * FROM audit WHERE locale = ? AND msgid = ? AND context IS ? AND status = ?"
                              " ORDER BY id DESC", (self.locale, key.msgid, key.context, DONE)).fetchall()
        return [{**dict(row), "before": tuple(json.loads(row["before"])), "after": tuple(json.loads(row["after"]))}
                for row in rows]

    # --- the commit: exactly this change, never anyone else's --------------------------------------------

    def _record_commit(self, audit_id: int, commit: str | None, note: str | None) -> None:
        with opened(self.db_path) as db:
            db.execute("UPDATE audit SET git_commit = ?, commit_note = ? WHERE id = ?", (commit, note, audit_id))

    def _commit(self, key: EntryKey, author: Author, action: str, strings, fuzzy: bool,
                fields: dict[str, str]) -> tuple[str | None, str | None]:
        """Commit this entry's change alone, with the translator as author, when the catalog is tracked in a
        git work tree: (commit, None), or (None, why not) for the history.

        The commit is the committed catalog (HEAD's blob) with this entry patched in, built in a temporary
        index, so whatever else is uncommitted (a `make update` merge, another tool's edit) stays
        uncommitted and is never attributed to the translator. Runs after the lock is released, without
        hooks, within GIT_TIMEOUT; a failure is logged and noted, and the save stands.
        """
        try:
            return self._commit_change(key, author, action, strings, fuzzy, fields)
        except (OSError, subprocess.SubprocessError) as err:
            detail = getattr(err, "stderr", b"") or b""
            log.warning("saved %s but could not commit it: %s %s", self.po_path, err,
                        detail.decode("utf-8", "replace").strip())
            return None, "not committed: git failed (see the server log)"

    def _commit_change(self, key, author, action, strings, fuzzy, fields):
        deadline = time.monotonic() + GIT_TIMEOUT
        top = self.po_path.parent

        def git(*args: str, data: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise subprocess.TimeoutExpired("git", GIT_TIMEOUT)
            return subprocess.run([*GIT, "-C", str(top), *args], input=data, capture_output=True, env=env,
                                  timeout=remaining)

        def out(*args: str, **kwargs) -> str:
            result = git(*args, **kwargs)
            if result.returncode:
                raise subprocess.CalledProcessError(result.returncode, args, result.stdout, result.stderr)
            return result.stdout.decode().strip()

        inside = git("rev-parse", "--show-toplevel")
        if inside.returncode:
            return None, None  # not in a git work tree: nothing to commit to
        top = Path(inside.stdout.decode().strip())
        path = self.po_path.resolve().relative_to(top.resolve()).as_posix()
        what = key.msgid if key.context is None else f"{key.context}: {key.msgid}"
        message = f"{self.locale}: {action} {what if len(what) <= 50 else what[:49] + '…'!r}"
        names = {"GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email or author.name + "@editor",
                 "GIT_COMMITTER_NAME": "Translation editor", "GIT_COMMITTER_EMAIL": "editor@localhost"}
        for _attempt in range(3):  # another save's commit may move HEAD between our read and update-ref
            head = git("rev-parse", "--verify", "-q", "HEAD").stdout.decode().strip()
            listed = out("ls-tree", "HEAD", "--", path).split() if head else []
            if len(listed) < 3:
                return None, "not committed: the catalog is not tracked in git yet (git add and commit it)"
            mode, _, old_blob = listed[:3]
            committed = git("cat-file", "blob", old_blob).stdout
            try:
                text = PoText.of(committed, header_of(committed).charset)
                found = po_patch.find(text, key) or po_patch.find_by_parse(text, committed, Path(path), key)
            except CatalogError:
                return None, "not committed: the committed catalog is not valid"
            if found is None:
                return None, "not committed: the committed catalog lacks this entry (commit the update first)"
            po_patch.patch(text, found, strings, fuzzy, fields)
            try:
                blob = out("hash-object", "-w", "--stdin", data=text.encode())
            except UnicodeEncodeError:
                return None, "not committed: the committed catalog's charset cannot hold this text"
            with tempfile.TemporaryDirectory(prefix="editor-index-") as scratch:
                env = {**os.environ, **names, "GIT_INDEX_FILE": os.path.join(scratch, "index")}
                out("read-tree", head, env=env)
                out("update-index", "--cacheinfo", f"{mode},{blob},{path}", env=env)
                tree = out("write-tree", env=env)
                commit = out("commit-tree", tree, "-p", head, "-m", message, env=env)
            if git("update-ref", "-m", f"translation editor: {message}", "HEAD", commit, head).returncode:
                continue  # HEAD moved since we read it: build on the new one
            # The repository's own index still has the old blob for the catalog: where nothing else was
            # staged for it, give it the new one, or a later `git commit` of something else would undo this.
            staged = out("ls-files", "-s", "--", path).split()
            if staged[1:2] == [old_blob] and git("update-index", "--cacheinfo", f"{mode},{blob},{path}").returncode:
                log.warning("committed %s but could not update git's index (held by another git?)", path)
            return commit, None
        return None, "not committed: the branch kept moving (see the server log)"
