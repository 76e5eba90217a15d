"""What `check` found in each catalog file, kept per version of the file: the translation status page runs
the project's check on every new version, and a 100,000-entry catalog takes seconds to read and judge whole.

A new version that po_delta reads as a change of entries (a save, a text editor changing translations) is
judged as that change: the changed entries alone are judged (checks.entry_findings, with the rules of the
version judged whole, which the same header keeps), every other entry keeps its findings, moved by the
lines the changes added or removed, and the header is judged again. Anything else is read and judged whole,
and so is every version of a catalog the reader noted something about (encoding, a domain directive): those
notes are about the file, not one entry. Either way the findings are those of judging the new file whole
(tests/tooling/test_check_cache.py compares them).
"""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

from babel.messages.catalog import Message

from .checks import EntryRules, catalog_header_findings, catalog_rules, entry_findings
from .findings import Finding
from .glossary import Glossary
from .po_delta import apply_changes, changed_entries
from .po_patch import header_of
from .pofile import CatalogError, PoFile, messages


@dataclass(frozen=True)
class JudgeOptions:
    """What a catalog's findings depend on besides the file (check's options for it)."""

    shown: str  # the file's name in findings
    expected_locale: str | None  # the locale its place says (<locale>/LC_MESSAGES)
    newstyle: bool
    glossary: Glossary | None
    state_severity: str
    source: bool


@dataclass
class JudgedCatalog:
    """One version of a catalog file as `check` judged it."""

    data: bytes
    pofile: PoFile
    options: JudgeOptions
    rules: EntryRules
    notes: list[Finding]  # the reader's notes and the header's findings
    by_entry: dict = field(default_factory=dict)  # Babel's key of an entry -> its findings (none: not listed)
    # (what the template was, the catalog's findings against it): check.py's, kept while no line moves
    template: tuple | None = None

    @property
    def findings(self) -> list[Finding]:
        return [*self.notes, *chain.from_iterable(self.by_entry.values())]


def _key(message: Message):
    return message.id[0] if isinstance(message.id, tuple) else message.id, message.context


def judge_whole(data: bytes, pofile: PoFile, options: JudgeOptions) -> JudgedCatalog:
    """Every finding check_catalog makes about `pofile` (read from `data`), kept by entry."""
    catalog, shown = pofile.catalog, options.shown
    notes = [replace(f, path=shown) for f in pofile.findings]
    notes += catalog_header_findings(pofile, catalog, shown, options.expected_locale, options.newstyle)
    rules = catalog_rules(catalog, shown, pofile=pofile, newstyle=options.newstyle, glossary=options.glossary,
                          state_severity=options.state_severity, source=options.source)
    judged = JudgedCatalog(data, pofile, options, rules, notes)
    for message in messages(catalog):
        found = entry_findings(rules, message)
        if found:
            judged.by_entry[_key(message)] = found
    return judged


def judge_change(previous: JudgedCatalog, data: bytes) -> JudgedCatalog | None:
    """`data` judged as a change of the version `previous` judged (see the module), or None when it is not
    such a change. `previous` and its catalog stay as they were."""
    pofile = previous.pofile
    if pofile.findings or pofile.lost_text_lines:
        return None
    changes = changed_entries(previous.data, data, pofile.path)
    if changes is None or any(change.reader_notes for change in changes):
        return None
    try:
        header = header_of(data)
    except CatalogError:
        return None
    catalog = pofile.catalog
    if header.findings or header.catalog.fuzzy != catalog.fuzzy or header.header_untranslated:
        return None
    shifts = [(change.old_line, change.line_delta) for change in changes if change.line_delta]
    # A new Catalog: the old one (and its messages) may be in an older result someone is still reading.
    catalog = copy.copy(catalog)
    catalog._messages, catalog.obsolete = dict(catalog._messages), dict(catalog.obsolete)
    apply_changes(catalog, changes, copy_moved=True)
    catalog.mime_headers = header.catalog.mime_headers  # PO-Revision-Date and the like; the rest is the same
    by_entry = dict(previous.by_entry)
    for change in changes:
        by_entry.pop(_key(change.message), None)
    if shifts:  # every finding of an entry below a change moves with it (lines of the old file)
        def moved(line: int) -> int:
            return line + sum(delta for start, delta in shifts if start < line)
        by_entry = {key: [replace(f, line=moved(f.line)) for f in found] for key, found in by_entry.items()}
    for change in changes:
        rules = replace(previous.rules, msgstr_lines={change.message.lineno: change.msgstr_line})
        found = entry_findings(rules, change.message)
        if found:
            by_entry[_key(change.message)] = found
    options = previous.options
    new_pofile = replace(header, path=pofile.path, catalog=catalog)
    notes = catalog_header_findings(new_pofile, catalog, options.shown, options.expected_locale, options.newstyle)
    # Against the template only the entries' keys, order and lines count: the first two are the same.
    return JudgedCatalog(data, new_pofile, options, previous.rules, notes, by_entry,
                         None if shifts else previous.template)


class CheckCache:
    """The last JudgedCatalog of each file. One check at a time uses it: `run_check` takes `lock` without
    waiting, and a check that finds it taken judges every file whole instead.

    `fixed_sources`: the templates and code cannot change while the cache lives (a deployed site, whose
    page cache assumes the same), so what check finds in them (extraction, literal text) is kept too."""

    def __init__(self, fixed_sources: bool = False) -> None:
        self.lock = threading.Lock()
        self.fixed_sources = fixed_sources
        self.sources: dict[str, object] = {}  # check.py's findings about the sources, by name
        self._judged: dict[Path, JudgedCatalog] = {}

    def judged(self, po_path: Path, data: bytes, options: JudgeOptions) -> JudgedCatalog | None:
        """The findings of `data` from the version of `po_path` judged last, or None: judge it whole."""
        previous = self._judged.get(po_path)
        if previous is None or previous.options != options:
            return None
        if previous.data == data:
            return previous
        judged = judge_change(previous, data)
        if judged is not None:
            self._judged[po_path] = judged
        return judged

    def keep(self, po_path: Path, judged: JudgedCatalog) -> None:
        self._judged[po_path] = judged
