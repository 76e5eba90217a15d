"""Translation statistics counted exactly as GNU `msgfmt --statistics` counts them.

Obsolete (`#~`) entries are not counted, nor is the header entry, except as msgfmt does: a header entry
whose msgstr is empty counts as untranslated (msgfmt drops it like any untranslated entry, counting it;
`PoFile.header_untranslated` says so, as Babel's Catalog does not keep it). An entry whose first msgstr is
untranslated, even when marked fuzzy; otherwise a fuzzy entry is fuzzy. A plural entry counts as translated
when its first form is (msgfmt 0.21 looks only at `msgstr[0]`; empty later forms are reported by the
checks instead). Babel's `compile --statistics` counts fuzzy entries as translated: this does not.
"""
from __future__ import annotations

from dataclasses import dataclass

from babel.messages.catalog import Catalog

from app.tooling.entry import strings_of
from app.tooling.pofile import PoFile, messages


@dataclass(frozen=True)
class CatalogStats:
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int

    @property
    def coverage(self) -> float:
        """Percent of entries translated (fuzzy ones are not); an empty catalog is complete."""
        return 100.0 if self.total == 0 else 100.0 * self.translated / self.total


def catalog_stats(catalog: Catalog, pofile: PoFile | None = None) -> CatalogStats:
    """The counts of `catalog`; with the `pofile` it was read from, the header's too."""
    translated = fuzzy = 0
    untranslated = 1 if pofile is not None and pofile.header_untranslated else 0
    for message in messages(catalog):
        if not strings_of(message)[0]:
            untranslated += 1
        elif "fuzzy" in message.flags:
            fuzzy += 1
        else:
            translated += 1
    return CatalogStats(translated + fuzzy + untranslated, translated, fuzzy, untranslated, len(catalog.obsolete))
