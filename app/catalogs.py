"""The catalog registry: the single owner of which translations are live.

The site reads `.po` files, not `.mo` files, so it can never serve text older than the catalogs on disk.
Each request stats its locale's `.po`; a changed file is parsed, validated and swapped in (and its `.mo`
rewritten for other gettext tools) by a loader thread, so a huge catalog never holds a worker for long.
A catalog that cannot be read or used (syntax, encoding, a bad Plural-Forms or charset, a deleted file)
is logged and shown on the status page, and the last good one keeps serving. Entries `verdict.refusal`
refuses (markup the English msgid lacks, a `%` that would break formatting...) are blanked: English is
shown for them.
"""
from __future__ import annotations

import copy
import hashlib
import io
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.support import NullTranslations, Translations
from flask import g
from flask_babel import Domain, get_locale

from .tooling.compile import mo_bytes, pofile_mo_bytes
from .tooling.entry import REFUSED, Entry, ids_of
from .tooling.formats import catalog_strict_forms
from .tooling.files import atomic_write, read_regular
from .tooling.findings import Finding
from .tooling.po_delta import apply_changes, changed_entries
from .tooling.po_patch import header_of
from .tooling.pofile import HEADER, CatalogError, is_text_charset, messages, parse_po, read_po_bytes
from .tooling.project_files import refuse_outside

log = logging.getLogger(__name__)


@dataclass
class CatalogState:
    """What is live for one locale, and why (for the log and the translation status page)."""

    po_path: Path
    signature: tuple | None = None  # (mtime_ns, size, inode) of the .po file last looked at
    translations: NullTranslations = field(default_factory=NullTranslations)
    error: str | None = None  # why the file on disk is not the one being served
    refused: list[str] = field(default_factory=list)  # "line: msgid: reason" of refused entries
    loaded: bool = False  # a catalog from this file has been served
    # The version served, kept so the next one can be read as a change to it (po_delta): its bytes, its
    # catalog (refused entries blanked) and why each refused entry was refused.
    data: bytes | None = None
    catalog: Catalog | None = None
    refusals: dict = field(default_factory=dict)  # Babel's key of the entry → the reason
    mo_source: tuple = (b"", None)  # (the bytes served, how to compile msgfmt's .mo of them)


class CatalogRegistry:
    """Which catalog each locale serves. A changed `.po` is loaded by a thread of its own while the last
    good catalog keeps serving: the request that notices the change waits for it at most `load_wait`
    seconds (a normal catalog loads in milliseconds, so the edit shows on that very request); a catalog
    so large that it takes longer (300k entries: many seconds) never holds a worker past that bound, and
    requests arriving meanwhile do not wait at all, unless the locale has nothing to serve yet."""

    def __init__(self, translations_dir: Path, locales, write_mo: bool = True, load_wait: float = 2.0,
                 mo_delay: float = 0.0):
        self.translations_dir = Path(translations_dir)
        self.write_mo = write_mo
        self.load_wait = load_wait
        # Seconds between a version being served and its .mo being written: the versions served meanwhile
        # get one .mo, the newest (compiling a 20,000-entry catalog costs ~0.2 s of a worker's CPU; during a
        # team's editing session a save arrives every second or so).
        self.mo_delay = mo_delay
        self._mo_writers: dict[str, threading.Timer] = {}  # locale → its last .mo write (to come, or done)
        self._mo_waiting: set[str] = set()  # locales whose .mo write has not yet taken its version
        self.version = 0  # bumps on every swap; the page cache keys on it
        self._lock = threading.Lock()  # held only to start a load or bump the version, never during one
        self._mo_lock = threading.Lock()  # held while a .mo is written (never by a request)
        self._loaders: dict[str, _Load] = {}
        self._states = {
            locale: CatalogState(self.translations_dir / locale / "LC_MESSAGES" / "messages.po")
            for locale in locales
        }

    def state(self, locale: str) -> CatalogState:
        self.refresh(locale)
        return self._states[locale]

    def translations(self, locale: str) -> NullTranslations:
        return self.state(locale).translations

    def served(self, locale: str) -> NullTranslations:
        """What `locale` serves now, without looking at its file (the caller has just refreshed it)."""
        return self._states[locale].translations

    def refresh(self, locale: str) -> int:
        """Reload `locale`'s catalog if its file changed (see the class); return the registry version."""
        state = self._states[locale]
        signature = _signature(state.po_path)
        if signature != state.signature:
            load, started = self._loader(locale, state, signature)
            if load is not None and (started or not state.loaded):
                load.served.wait(self.load_wait)
        return self.version

    def _loader(self, locale: str, state: CatalogState, signature: tuple | None) -> tuple[_Load | None, bool]:
        """(the load of `locale` under way, whether this call started it); (None, False) if nothing to do."""
        with self._lock:
            load = self._loaders.get(locale)
            if load is not None and not load.served.is_set():  # (one writing its .mo is done with the file)
                return load, False
            if signature == state.signature:  # a load finished while we were looking
                return None, False
            served = threading.Event()
            thread = threading.Thread(target=self._load, args=(state, signature, served), daemon=True,
                                      name=f"catalog-load-{locale}")
            load = self._loaders[locale] = _Load(thread, served)
            thread.start()
            return load, True

    def _load(self, state: CatalogState, signature: tuple | None, served: threading.Event) -> None:
        """Runs in the loader thread; every outcome ends by recording `signature` as looked at. The .mo is
        written later (mo_delay): no request waits for it."""
        try:
            if self._read(state, signature) and self.write_mo:
                self._write_mo_later(state)
        finally:
            state.signature = signature
            served.set()

    def _write_mo_later(self, state: CatalogState) -> None:
        """Write the .mo of the version served `mo_delay` seconds from now, unless a write is already
        waiting: that one will take the newest version."""
        locale = state.po_path.parent.parent.name
        with self._lock:
            if locale in self._mo_waiting:
                return
            self._mo_waiting.add(locale)
            writer = self._mo_writers[locale] = threading.Timer(self.mo_delay, self._write_served_mo,
                                                                (locale, state))
            writer.daemon = True
            writer.start()

    def _write_served_mo(self, locale: str, state: CatalogState) -> None:
        with self._mo_lock:  # writes in the order their versions were served
            with self._lock:  # from here on, a version served next gets a write of its own
                self._mo_waiting.discard(locale)
                data, compile_mo = state.mo_source  # the newest version served, as one pair
            _write_mo(state.po_path, data, compile_mo)

    def settle(self, locale: str, timeout: float | None = None) -> None:
        """Wait until the last load of `locale` is over and its .mo written (for tools and tests that read
        the .mo right after a request; requests never wait for it)."""
        load = self._loaders.get(locale)
        if load is not None:
            load.thread.join(timeout)
        writer = self._mo_writers.get(locale)
        if writer is not None:
            writer.join(timeout)

    def _read(self, state: CatalogState, signature: tuple | None) -> bool:
        """Serve the version of the file with `signature`; True when it is served (else the last good one)."""
        if signature is None:
            if state.loaded:  # deleted, or mid-save by an editor that unlinks first: keep what works
                self._keep_last_good(state, f"{state.po_path} is missing")
            return False  # never had one (the source language): gettext falls back to the msgid
        try:
            refuse_outside(state.po_path, self.translations_dir)
            data = read_po_bytes(state.po_path)
            changes = None
            if state.loaded and state.data is not None and state.catalog is not None:
                changes = changed_entries(state.data, data, state.po_path)
                if changes is not None and any(change.reader_notes for change in changes):
                    changes = None  # (invalid UTF-8, say): a whole read says whether it is an error
            if changes is not None and state.catalog is not None:
                catalog, translations, compile_mo = self._changed(state, state.catalog, data, changes)
            else:
                catalog, translations, compile_mo = self._whole(state, data)
        except CatalogError as err:
            self._keep_last_good(state, str(err))
            return False
        except Exception as err:  # parses, but cannot be compiled or used (e.g. a bad Plural-Forms or charset)
            self._keep_last_good(state, f"{state.po_path}: {type(err).__name__}: {err}")
            return False
        refused = _refused_lines(catalog, state.refusals)
        for reason in refused:
            log.warning("translation refused, English shown: %s:%s", state.po_path, reason)
        state.translations, state.refused, state.error, state.loaded = translations, refused, None, True
        state.data, state.catalog, state.mo_source = data, catalog, (data, compile_mo)
        with self._lock:
            self.version += 1
        return True

    @staticmethod
    def _whole(state: CatalogState, data: bytes) -> tuple[Catalog, NullTranslations, Callable[[], bytes]]:
        """The catalog in `data`, what the site serves from it, and how to compile msgfmt's .mo of it."""
        pofile = parse_po(data, state.po_path)
        charset = pofile.declared_charset
        if charset is not None and not is_text_charset(charset):  # Babel may read it as UTF-8: we do not
            raise CatalogError([Finding(str(state.po_path), pofile.header_line, HEADER,
                                        f"unknown charset {charset!r}")])
        catalog = pofile.catalog
        state.refusals = refuse_broken_entries(catalog)
        served = mo_bytes(catalog, english_for_empty_forms=True, hash_table=False)  # English for an empty form
        return catalog, Translations(io.BytesIO(served)), lambda: pofile_mo_bytes(pofile)

    @staticmethod
    def _changed(state: CatalogState, catalog: Catalog, data: bytes, changes
                 ) -> tuple[Catalog, NullTranslations, Callable[[], bytes]]:
        """The served version (`catalog`) with `changes` (po_delta) in: the changed entries judged and
        compiled alone."""
        header = header_of(data)  # PO-Revision-Date etc. changed; what the site reads of it did not (po_delta)
        apply_changes(catalog, changes)
        changed = copy.copy(catalog)  # its header as it is (Plural-Forms, charset), its entries only these
        changed._messages = {catalog._key_for(change.message.id, change.message.context): change.message
                             for change in changes}  # (a dict: pofile.messages' fast path)
        changed.obsolete = {}
        refusals = dict(state.refusals)
        for key in changed._messages:
            refusals.pop(key, None)
        state.refusals = {**refusals, **refuse_broken_entries(changed, rule_of=catalog)}
        # gettext's own lookup table, copied (requests may be reading the old one) and changed where the
        # changed entries are: their old keys out, what compiling them alone gives in.
        table = dict(state.translations._catalog)
        for key in changed._messages:
            lookup = key if isinstance(key, str) else f"{key[1]}\x04{key[0]}"
            table.pop(lookup, None)
            form = 0
            while table.pop((lookup, form), None) is not None:
                form += 1
        compiled = Translations(io.BytesIO(mo_bytes(changed, english_for_empty_forms=True, hash_table=False)))
        table.update(compiled._catalog)
        translations = copy.copy(state.translations)
        translations._catalog = table
        text = header.header_text if header.header_line else ""
        return catalog, translations, lambda: mo_bytes(catalog, text, charset=header.charset)

    @staticmethod
    def _keep_last_good(state: CatalogState, error: str) -> None:
        state.error = error
        log.error("catalog not loaded, still serving the last good one: %s", error)


@dataclass
class _Load:
    thread: threading.Thread
    served: threading.Event  # set once the version is served (or refused), before its .mo is written


def _write_mo(po_path: Path, data: bytes, compile_mo: Callable[[], bytes]) -> None:
    """Write the `.mo` of `data` (the .po's bytes), unless another process has written it already: every
    worker loads each version, and compiling a 20,000-entry catalog costs ~70 ms of CPU. Which .po
    version the .mo holds is recorded in `<catalog>.mo.source` (its SHA-256), written after the .mo."""
    mo, source = po_path.with_suffix(".mo"), po_path.with_suffix(".mo.source")
    digest = hashlib.sha256(data).hexdigest()
    try:  # (a FIFO or a symlink there is not read: it would block this thread, or read another file)
        if mo.exists() and read_regular(source, follow_symlinks=False, limit=64).decode("ascii") == digest:
            return
    except (OSError, UnicodeDecodeError):  # (RefusedFile is an OSError)
        pass
    try:
        atomic_write(mo, compile_mo())  # msgfmt's bytes, for other gettext tools
        atomic_write(source, digest.encode("ascii"))
    except OSError as err:  # a read-only deployment still serves from memory
        log.warning("could not write %s: %s", mo, err)


def _signature(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def refuse_broken_entries(catalog: Catalog, rule_of: Catalog | None = None) -> dict:
    """Blank the translations `verdict.refusal` refuses, so gettext falls back to English; return why, by
    the entry's key in `catalog`. (Markup the msgid lacks, a `"` that would end an attribute value, bidi
    controls left open, a `%` that breaks Jinja's newstyle formatting.) `rule_of`: the catalog whose plural
    rule judges them, when `catalog` holds only some of its entries."""
    refusals = {}
    strict = catalog_strict_forms(rule_of or catalog)
    for entry in (Entry.of(message, strict) for message in messages(catalog)):
        if entry.state == REFUSED:
            message = entry.message
            refusals[catalog._key_for(message.id, message.context)] = str(entry.refusal)
            message.string = tuple("" for _ in entry.strings) if entry.plural else ""
    return refusals


def _refused_lines(catalog: Catalog, refusals: dict) -> list[str]:
    """ "line: msgid: reason" of each refused entry, in file order."""
    refused = sorted(((catalog._messages[key], reason) for key, reason in refusals.items()),
                     key=lambda pair: pair[0].lineno or 0)
    return [f"{message.lineno}: {ids_of(message)[0]!r}: {reason}" for message, reason in refused]


class RegistryDomain(Domain):
    """flask-babel's domain, asking the registry instead of caching `.mo` files for the process life."""

    def __init__(self, registry: CatalogRegistry):
        super().__init__()
        self.registry = registry

    def get_translations(self):
        locale = get_locale()
        if locale is None:
            return NullTranslations()
        # One registry look-up (and .po stat) per request and locale, not one per gettext call.
        locale = str(locale)
        cached = g.get(_REQUEST_TRANSLATIONS)
        if cached is None or cached[0] != locale:
            cached = (locale, self.registry.translations(locale))
            setattr(g, _REQUEST_TRANSLATIONS, cached)
        return cached[1]

    @contextmanager
    def overlay(self, locale: str, translations: NullTranslations) -> Iterator[None]:
        """Inside the block, this request renders `locale` with `translations` (an editor's draft in front
        of the live catalog): nobody else's request, and nothing after the block, sees them."""
        saved = g.get(_REQUEST_TRANSLATIONS)
        setattr(g, _REQUEST_TRANSLATIONS, (locale, translations))
        try:
            yield
        finally:
            setattr(g, _REQUEST_TRANSLATIONS, saved)


_REQUEST_TRANSLATIONS = "_catalogs_translations"  # g attribute: (locale, translations) of this request
