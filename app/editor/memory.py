"""Translation memory: translations of the same or similar English, from the project's catalog and any
extra catalogs the configuration lists (TRANSLATION_MEMORY_CATALOGS), each with its similarity and source.

The project's catalog is indexed from the entries the editor has already read (no second parse). difflib's
ratio is quadratic in the worst case and a catalog can have 20,000 entries, so a look-up first
counts shared words through an inverted index (linear in the postings of the query's words), keeps the
CANDIDATES entries sharing most words, drops those whose length or letters alone rule out CUTOFF (difflib's
real_quick_ratio and quick_ratio: linear), and computes difflib's ratio for the rest within a budget of
MATCH_WORK steps per look-up (msgids are anybody's text: 50 similar 4,200-character ones took 30 s):
letter by letter, or word by word for English over LONG characters; a candidate the budget cannot cover
is left out, the same English is always found.
"""
from __future__ import annotations

import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Message

from ..tooling.bounded_match import BoundedMatcher, WorkLimit
from ..tooling.entry import EntryKey, ids_of, key_of, strings_of
from ..tooling.pofile import CatalogError, messages, read_catalog

log = logging.getLogger(__name__)
CUTOFF = 0.6  # least similarity shown
CANDIDATES = 50  # entries per catalog that get difflib's ratio
MATCH_WORK = 250_000  # difflib steps per look-up, over every candidate: ~25 ms at worst
LONG = 1000  # characters: longer English is compared word by word (letter by letter it costs ~100× more)
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Suggestion:
    english: str
    translation: str
    similarity: float  # 1.0: the same English
    source: str  # the catalog it comes from


@dataclass
class _Memory:
    signature: Hashable
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

    def __init__(self) -> None:
        self._memories: dict[Path, _Memory] = {}

    def of_messages(self, path: Path, signature: Hashable, catalog_messages: Callable[[], Iterable[Message]]) -> _Memory:
        """The memory of the catalog at `path` in version `signature`, indexed from `catalog_messages()`
        (e.g. the entries the editor has already read) when that version is new."""
        cached = self._memories.get(path)
        if cached is None or cached.signature != signature:
            cached = self._memories[path] = _index(signature, catalog_messages())
        return cached

    def take_changes(self, path: Path, previous: Hashable, signature: Hashable, changed: Iterable[Message]) -> None:
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
        long = len(english) > LONG
        matcher = BoundedMatcher(MATCH_WORK)
        matcher.set_seq2(_WORD_RE.findall(english) if long else english)
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
                similarity = 1.0 if source == english else _similarity(
                    matcher, _WORD_RE.findall(source) if long else source)
                if similarity is None:
                    continue
                key = (source, translation)
                if similarity >= CUTOFF and (key not in found or found[key].similarity < similarity):
                    found[key] = Suggestion(source, translation, round(similarity, 2), label)
        return sorted(found.values(), key=lambda s: (-s.similarity, s.english))[:limit]


def _similarity(matcher: BoundedMatcher, source) -> float | None:
    """difflib's ratio of `source` (letters or words) to the matcher's English; None when below CUTOFF by its
    length or its items alone, or when the matcher's budget cannot cover it."""
    matcher.set_seq1(source)
    if matcher.real_quick_ratio() < CUTOFF or matcher.quick_ratio() < CUTOFF:
        return None
    try:
        return matcher.ratio()
    except WorkLimit:
        return None


def _index(signature: Hashable, catalog_messages: Iterable[Message]) -> _Memory:
    memory = _Memory(signature, [])
    for message in catalog_messages:
        memory.take(message)
    return memory
