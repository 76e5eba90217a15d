"""Translation memory: translations of the same or similar English, from the project's catalog and any
extra catalogs the configuration lists (TRANSLATION_MEMORY_CATALOGS), each with its similarity and source.

difflib's ratio is quadratic in the worst case and a catalog can have 20,000 entries, so a look-up first
counts shared words through an inverted index (linear in the postings of the query's words), keeps the
CANDIDATES entries sharing most words, and computes difflib's ratio for those alone.
"""
from __future__ import annotations

import logging
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from ..tooling.pofile import CatalogError, messages, read_catalog

log = logging.getLogger(__name__)
CUTOFF = 0.6  # least similarity shown
CANDIDATES = 50  # entries per catalog that get difflib's ratio
MAX_AGE = 30  # seconds a catalog's memory may lag behind its file (saves change it all the time)
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Suggestion:
    english: str
    translation: str
    similarity: float  # 1.0: the same English
    source: str  # the catalog it comes from


@dataclass
class _Memory:
    signature: tuple
    read_at: float
    pairs: list[tuple[str, str]]  # (English, translation)
    index: dict[str, list[int]] = field(default_factory=dict)  # lower-cased word -> pair numbers


def _words(text: str) -> set[str]:
    return set(_WORD_RE.findall(text.lower()))


class TranslationMemory:
    """(English, translation) pairs per catalog file, re-read when the file changed (at most every MAX_AGE s)."""

    def __init__(self):
        self._memories: dict[Path, _Memory] = {}

    def _memory(self, path: Path) -> _Memory | None:
        cached = self._memories.get(path)
        if cached is not None and time.monotonic() - cached.read_at < MAX_AGE:
            return cached
        try:
            st = os.stat(path)
        except OSError:
            return None
        signature = (st.st_mtime_ns, st.st_size, st.st_ino)
        if cached is not None and cached.signature == signature:
            cached.read_at = time.monotonic()
            return cached
        try:
            catalog = read_catalog(path)
        except CatalogError as err:
            log.warning("translation memory: %s not used: %s", path, err)
            return cached
        memory = _Memory(signature, time.monotonic(), [])
        for message in messages(catalog):
            ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
            strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
            if "fuzzy" not in message.flags and strings and strings[0]:
                for word in _words(ids[0]):
                    memory.index.setdefault(word, []).append(len(memory.pairs))
                memory.pairs.append((ids[0], strings[0]))
        self._memories[path] = memory
        return memory

    def suggest(self, english: str, current: str, paths: list[tuple[str, Path]], limit: int = 5) -> list[Suggestion]:
        """The best matches for `english` in the catalogs `paths` ((label, path) pairs), best first;
        `current` (the entry's own translation) is left out."""
        found: dict[tuple[str, str], Suggestion] = {}
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(english)
        words = _words(english)
        for label, path in paths:
            memory = self._memory(Path(path))
            if memory is None or not words:
                continue
            shared = Counter(number for word in words for number in memory.index.get(word, ()))
            for number, _ in shared.most_common(CANDIDATES):
                source, translation = memory.pairs[number]
                if translation == current:
                    continue
                matcher.set_seq1(source)
                similarity = 1.0 if source == english else matcher.ratio()
                key = (source, translation)
                if similarity >= CUTOFF and (key not in found or found[key].similarity < similarity):
                    found[key] = Suggestion(source, translation, round(similarity, 2), label)
        return sorted(found.values(), key=lambda s: (-s.similarity, s.english))[:limit]
