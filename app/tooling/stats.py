"""Translation statistics counted exactly as GNU `msgfmt --statistics` counts them.

The header and obsolete (`#~`) entries are not counted. An entry whose first msgstr is empty is
untranslated, even when marked fuzzy; otherwise a fuzzy entry is fuzzy. A plural entry counts as translated
when its first form is (msgfmt 0.21 looks only at `msgstr[0]`; empty later forms are reported by the
checks instead). Babel's `compile --statistics` counts fuzzy entries as translated: this does not.
"""
from __future__ import annotations

from dataclasses import dataclass

from babel.messages.catalog import Catalog

from app.tooling.pofile import messages


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


def catalog_stats(catalog: Catalog) -> CatalogStats:
    translated = fuzzy = untranslated = 0
    for message in messages(catalog):
        string = message.string
        first = string if isinstance(string, str) else (string[0] if string else "")
        if not first:
            untranslated += 1
        elif "fuzzy" in message.flags:
            fuzzy += 1
        else:
            translated += 1
    return CatalogStats(translated + fuzzy + untranslated, translated, fuzzy, untranslated, len(catalog.obsolete))
