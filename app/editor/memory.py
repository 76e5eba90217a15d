"""Translation memory: translations of the same or similar English, from the project's catalog and any
extra catalogs the configuration lists (TRANSLATION_MEMORY_CATALOGS), each with its similarity and source.

The project's catalog is indexed from the entries the editor has already read (no second parse). difflib's
ratio is quadratic in the worst case and a catalog can have 20,000 entries, so a look-up first
counts shared words through an inverted index (linear in the postings of the query's words), keeps the
CANDIDATES entries sharing most words, and computes difflib's ratio for those alone.
"""
from __future__ import annotations

import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from babel.messages.catalog import Message

from ..tooling.entry import EntryKey, ids_of, key_of, strings_of
from ..tooling.pofile import CatalogError, messages, read_catalog

log = logging.getLogger(__name__)
CUTOFF = 0.6  # least similarity shown
CANDIDATES = 50  # entries per catalog that get difflib's ratio
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
    pairs: list[tuple[str, str] | None]  # (English, translation); None: the entry no longer has one
    index: dict[str, list[int]] = field(default_factory=dict)  # lower-cased word -> pair numbers
    numbers: dict[EntryKey, int] = field(default_factory=dict)  # entry -> its pair number

    def take(self, message: Message) -> None:
        """Add `message`'s pair, or change it to what `message` now says (its English is the same)."""
        ids, strings = ids_of(message), strings_of(message)
        pair = (ids[0], strings[0]) if "fuzzy" not in message.flags and strings[0] else None
        key = key_of(message)
        number = self.numbers.get(key)
        if number is not None:
            self.pairs[number] = pair
        elif pair is not None:
            self.numbers[key] = len(self.pairs)
            for word in _words(ids[0]):
                self.index.setdefault(word, []).append(len(self.pairs))
            self.pairs.append(pair)


def _words(text: str) -> set[str]:
    return set(_WORD_RE.findall(text.lower()))


class TranslationMemory:
    """Indexed (English, translation) pairs per catalog, rebuilt when the catalog's version changes."""

    def __init__(self):
        self._memories: dict[Path, _Memory] = {}

    def of_messages(self, path: Path, signature: tuple, catalog_messages: Callable[[], Iterable[Message]]) -> _Memory:
        """The memory of the catalog at `path` in version `signature`, indexed from `catalog_messages()`
        (e.g. the entries the editor has already read) when that version is new."""
        cached = self._memories.get(path)
        if cached is None or cached.signature != signature:
            cached = self._memories[path] = _index(signature, catalog_messages())
        return cached

    def take_changes(self, path: Path, previous: tuple, signature: tuple, changed: Iterable[Message]) -> None:
        """Move the memory of `path` from version `previous` to `signature`, which differs from it in the
        `changed` entries alone (a save): no new index. A memory of another version is left to be rebuilt."""
        cached = self._memories.get(path)
        if cached is not None and cached.signature == previous:
            for message in changed:
                cached.take(message)
            cached.signature = signature

    def of_file(self, path: Path) -> _Memory | None:
        """The memory of an extra catalog, read from its file (None when it cannot be read)."""
        try:
            st = os.stat(path)
            signature = (st.st_mtime_ns, st.st_size, st.st_ino)
            return self.of_messages(path, signature, lambda: messages(read_catalog(path)))
        except (OSError, CatalogError) as err:
            log.warning("translation memory: %s not used: %s", path, err)
            return None

    @staticmethod
    def suggest(english: str, current: str, memories: list[tuple[str, _Memory]], limit: int = 5) -> list[Suggestion]:
        """The best matches for `english` in `memories` ((label, memory) pairs), best first; `current`
        (the entry's own translation) is left out."""
        found: dict[tuple[str, str], Suggestion] = {}
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(english)
        words = _words(english)
        for label, memory in memories:
            shared: Counter[int] = Counter()
            for word in words:  # each word's postings counted in C: a generator over them costs ~40% more
                shared.update(memory.index.get(word, ()))
            for number, _ in shared.most_common(CANDIDATES):
                pair = memory.pairs[number]
                if pair is None or pair[1] == current:
                    continue
                source, translation = pair
                matcher.set_seq1(source)
                similarity = 1.0 if source == english else matcher.ratio()
                key = (source, translation)
                if similarity >= CUTOFF and (key not in found or found[key].similarity < similarity):
                    found[key] = Suggestion(source, translation, round(similarity, 2), label)
        return sorted(found.values(), key=lambda s: (-s.similarity, s.english))[:limit]


def _index(signature: tuple, catalog_messages: Iterable[Message]) -> _Memory:
    memory = _Memory(signature, [])
    for message in catalog_messages:
        memory.take(message)
    return memory
