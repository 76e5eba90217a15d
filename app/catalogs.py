"""The catalog registry: the single owner of which translations are live.

The site reads `.po` files, not `.mo` files, so it can never serve text older than the catalogs on disk.
Each request stats its locale's `.po`; a changed file is parsed, validated and swapped in (and its `.mo`
rewritten for other gettext tools). A catalog that fails to parse is logged and the last good one keeps
serving. Entries whose translation carries markup its English msgid lacks are refused: English is shown.
"""
from __future__ import annotations

import io
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from babel.support import NullTranslations, Translations
from flask_babel import Domain, get_locale

from .tooling.checks import markup_problem
from .tooling.compile import atomic_write, mo_bytes
from .tooling.pofile import CatalogError, read_catalog

log = logging.getLogger(__name__)


@dataclass
class CatalogState:
    """What is live for one locale, and why (for the log and the translation status page)."""

    po_path: Path
    signature: tuple | None = None  # (mtime_ns, size, inode) of the .po file last looked at
    translations: NullTranslations = field(default_factory=NullTranslations)
    error: str | None = None  # why the file on disk is not the one being served
    refused: list[str] = field(default_factory=list)  # "line: msgid: reason" of refused entries


class CatalogRegistry:
    def __init__(self, translations_dir: Path, locales, write_mo: bool = True):
        self.translations_dir = Path(translations_dir)
        self.write_mo = write_mo
        self.version = 0  # bumps on every swap; the page cache keys on it
        self._lock = threading.Lock()
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
        """Reload `locale`'s catalog if its file changed; return the registry version."""
        state = self._states[locale]
        signature = _signature(state.po_path)
        if signature != state.signature:
            with self._lock:
                if signature != state.signature:
                    self._load(state, signature)
        return self.version

    def _load(self, state: CatalogState, signature: tuple | None) -> None:
        state.signature = signature
        if signature is None:
            # No catalog (the source language): gettext falls back to the msgid.
            state.translations, state.error, state.refused = NullTranslations(), None, []
            self.version += 1
            return
        try:
            catalog = read_catalog(state.po_path)
        except CatalogError as err:
            state.error = str(err)
            log.error("catalog not loaded, still serving the last good one: %s", err)
            return
        state.refused = _refuse_unsafe_entries(catalog, state.po_path)
        for reason in state.refused:
            log.warning("translation refused, English shown: %s:%s", state.po_path, reason)
        compiled = mo_bytes(catalog)
        state.translations = Translations(io.BytesIO(compiled))
        state.error = None
        self.version += 1
        if self.write_mo:
            try:
                atomic_write(state.po_path.with_suffix(".mo"), compiled)
            except OSError as err:  # a read-only deployment still serves from memory
                log.warning("could not write %s: %s", state.po_path.with_suffix(".mo"), err)


def _signature(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _refuse_unsafe_entries(catalog, path: Path) -> list[str]:
    """Blank translations whose markup is not the msgid's own, so gettext falls back to English."""
    refused = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in strings:
            reason = form and markup_problem(ids[0], form)
            if reason:
                refused.append(f"{message.lineno}: {ids[0]!r}: {reason}")
                message.string = tuple("" for _ in strings) if len(strings) > 1 else ""
                break
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
        return self.registry.translations(str(locale))
