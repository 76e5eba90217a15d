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

import io
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from babel.support import NullTranslations, Translations
from flask import g
from flask_babel import Domain, get_locale

from .tooling.compile import mo_bytes, pofile_mo_bytes
from .tooling.entry import REFUSED, catalog_entries
from .tooling.files import atomic_write
from .tooling.findings import Finding
from .tooling.pofile import HEADER, CatalogError, is_text_charset, read_po_file
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


class CatalogRegistry:
    """Which catalog each locale serves. A changed `.po` is loaded by a thread of its own while the last
    good catalog keeps serving: the request that notices the change waits for it at most `load_wait`
    seconds (a normal catalog loads in milliseconds, so the edit shows on that very request); a catalog
    so large that it takes longer (300k entries: many seconds) never holds a worker past that bound, and
    requests arriving meanwhile do not wait at all, unless the locale has nothing to serve yet."""

    def __init__(self, translations_dir: Path, locales, write_mo: bool = True, load_wait: float = 2.0):
        self.translations_dir = Path(translations_dir)
        self.write_mo = write_mo
        self.load_wait = load_wait
        self.version = 0  # bumps on every swap; the page cache keys on it
        self._lock = threading.Lock()  # held only to start a load or bump the version, never during one
        self._loaders: dict[str, threading.Thread] = {}
        self._states = {
            locale: CatalogState(self.translations_dir / locale / "LC_MESSAGES" / "messages.po")
            for locale in locales
        }

    def state(self, locale: str) -> CatalogState:
        self.refresh(locale)
        return self._states[locale]

    def translations(self, locale: str) -> NullTranslations:
        return self.state(locale).translations

    def refresh(self, locale: str) -> int:
        """Reload `locale`'s catalog if its file changed (see the class); return the registry version."""
        state = self._states[locale]
        signature = _signature(state.po_path)
        if signature != state.signature:
            loader, started = self._loader(locale, state, signature)
            if loader is not None and (started or not state.loaded):
                loader.join(self.load_wait)
        return self.version

    def _loader(self, locale: str, state: CatalogState, signature: tuple | None):
        """(the thread loading `locale`, whether this call started it); (None, False) if nothing to do."""
        with self._lock:
            loader = self._loaders.get(locale)
            if loader is not None and loader.is_alive():
                return loader, False
            if signature == state.signature:  # a load finished while we were looking
                return None, False
            loader = threading.Thread(target=self._load, args=(state, signature), daemon=True,
                                      name=f"catalog-load-{locale}")
            self._loaders[locale] = loader
            loader.start()
            return loader, True

    def _load(self, state: CatalogState, signature: tuple | None) -> None:
        """Runs in the loader thread; every outcome ends by recording `signature` as looked at."""
        try:
            self._read(state, signature)
        finally:
            state.signature = signature

    def _read(self, state: CatalogState, signature: tuple | None) -> None:
        if signature is None:
            if state.loaded:  # deleted, or mid-save by an editor that unlinks first: keep what works
                self._keep_last_good(state, f"{state.po_path} is missing")
            return  # never had one (the source language): gettext falls back to the msgid
        try:
            refuse_outside(state.po_path, self.translations_dir)
            pofile = read_po_file(state.po_path)
            charset = pofile.declared_charset
            if charset is not None and not is_text_charset(charset):  # Babel may read it as UTF-8: we do not
                raise CatalogError([Finding(str(state.po_path), pofile.header_line, HEADER,
                                            f"unknown charset {charset!r}")])
            catalog = pofile.catalog
            refused = refuse_broken_entries(catalog)
            compiled = pofile_mo_bytes(pofile)  # msgfmt's bytes, for other gettext tools
            served = mo_bytes(catalog, english_for_empty_forms=True, hash_table=False)  # English for an empty form
            translations = Translations(io.BytesIO(served))
        except CatalogError as err:
            return self._keep_last_good(state, str(err))
        except Exception as err:  # parses, but cannot be compiled or used (e.g. a bad Plural-Forms or charset)
            return self._keep_last_good(state, f"{state.po_path}: {type(err).__name__}: {err}")
        for reason in refused:
            log.warning("translation refused, English shown: %s:%s", state.po_path, reason)
        state.translations, state.refused, state.error, state.loaded = translations, refused, None, True
        with self._lock:
            self.version += 1
        if self.write_mo:
            try:
                atomic_write(state.po_path.with_suffix(".mo"), compiled)
            except OSError as err:  # a read-only deployment still serves from memory
                log.warning("could not write %s: %s", state.po_path.with_suffix(".mo"), err)

    @staticmethod
    def _keep_last_good(state: CatalogState, error: str) -> None:
        state.error = error
        log.error("catalog not loaded, still serving the last good one: %s", error)


def _signature(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def refuse_broken_entries(catalog) -> list[str]:
    """Blank the translations `verdict.refusal` refuses, so gettext falls back to English; return
    "line: msgid: reason" for each. (Markup the msgid lacks, a `"` that would end an attribute value, bidi
    controls left open, a `%` that breaks Jinja's newstyle formatting.)"""
    refused = []
    for entry in catalog_entries(catalog):
        if entry.state == REFUSED:
            message = entry.message
            refused.append(f"{message.lineno}: {entry.key.msgid!r}: {entry.refusal}")
            message.string = tuple("" for _ in entry.strings) if entry.plural else ""
    return refused


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
