"""Translation memory: translations of the same or similar English, from the project's catalog and any
extra catalogs the configuration lists (TRANSLATION_MEMORY_CATALOGS), each with its similarity and source.

difflib's ratio is quadratic in the worst case, so each candidate first passes two cheap filters: lengths
within a factor of two (a similarity of 0.6 cannot come from more apart), then difflib's `real_quick_ratio`
and `quick_ratio` upper bounds. A look-up is thus about linear in the memory's total size.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from ..tooling.pofile import CatalogError, messages, read_catalog

log = logging.getLogger(__name__)
CUTOFF = 0.6


@dataclass(frozen=True)
class Suggestion:
    english: str
    translation: str
    similarity: float  # 1.0: the same English
    source: str  # the catalog it comes from


class TranslationMemory:
    """(English, translation) pairs per catalog file, re-read when the file changes."""

    def __init__(self):
        self._pairs: dict[Path, tuple[tuple, list[tuple[str, str]]]] = {}

    def pairs(self, path: Path) -> list[tuple[str, str]]:
        try:
            st = os.stat(path)
        except OSError:
            return []
        signature = (st.st_mtime_ns, st.st_size, st.st_ino)
        cached = self._pairs.get(path)
        if cached is None or cached[0] != signature:
            try:
                catalog = read_catalog(path)
            except CatalogError as err:
                log.warning("translation memory: %s not used: %s", path, err)
                return []
            pairs = []
            for message in messages(catalog):
                if "fuzzy" in message.flags:
                    continue
                ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
                strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
                if strings and strings[0]:
                    pairs.append((ids[0], strings[0]))
            cached = self._pairs[path] = (signature, pairs)
        return cached[1]

    def suggest(self, english: str, current: str, paths: list[tuple[str, Path]], limit: int = 5) -> list[Suggestion]:
        """The best matches for `english` in the catalogs `paths` ((label, path) pairs), best first;
        `current` (the entry's own translation) is left out."""
        found: dict[tuple[str, str], Suggestion] = {}
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(english)
        length = len(english)
        for label, path in paths:
            for source, translation in self.pairs(path):
                if translation == current or not length or not (length / 2 <= len(source) <= length * 2):
                    continue
                if source == english:
                    similarity = 1.0
                else:
                    matcher.set_seq1(source)
                    if matcher.real_quick_ratio() < CUTOFF or matcher.quick_ratio() < CUTOFF:
                        continue
                    similarity = matcher.ratio()
                    if similarity < CUTOFF:
                        continue
                key = (source, translation)
                if key not in found or found[key].similarity < similarity:
                    found[key] = Suggestion(source, translation, round(similarity, 2), label)
        return sorted(found.values(), key=lambda s: (-s.similarity, s.english))[:limit]
