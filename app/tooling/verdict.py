"""The one verdict on whether a translation may be shown: the live site, the status pages and the editor
ask it through `entry.Entry` (with the catalog's own plural rule), and `check`/`compile` report the same two
problems through the same functions (markup.translation_markup_problem, formats.format_problem), so they
refuse exactly the same entries for the same reasons."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .formats import GERMANIC, format_problem
from .markup import PAGE, TEXT, translation_markup_problem

UNSAFE_MARKUP = "unsafe-markup"  # the codes `check` reports (checks.py)
PLACEHOLDER_MISMATCH = "placeholder-mismatch"


@dataclass(frozen=True)
class Refusal:
    code: str  # the `check` finding code
    reason: str  # "msgstr adds <script>, ...", for people

    def __str__(self) -> str:
        return self.reason


# Remembered: `check`, the status page, the registry and the editor each judge every entry of a catalog
# version, and a save changes one entry of the next version; a 100,000-entry catalog fits.
@lru_cache(maxsize=1 << 18)
def refusal(ids: tuple[str, ...], strings: tuple[str, ...], *, html: bool = True,
            strict: frozenset[int] | None = GERMANIC) -> Refusal | None:
    """Why the translation `strings` of `ids` (as `entry.ids_of`/`strings_of` give them) must not be shown
    (English is shown instead), or None (also for the header and for an empty translation). Whether the
    entry is shown at all (fuzzy, untranslated) is the entry's state, not a verdict on its text.

    `html`: the entry is rendered into HTML pages by the project's templates through Jinja's newstyle
    gettext (the site's own catalogs), so markup rules apply to plain-text entries too, and `%` formatting
    runs on every entry. `strict`: the plural forms msgfmt -c checks strictly (`formats.catalog_strict_forms`).
    """
    if not ids[0] or not any(strings):
        return None
    problem = translation_markup_problem(ids, strings, catalog=PAGE if html else TEXT)
    if problem:
        return Refusal(UNSAFE_MARKUP, problem)
    if html:
        # Jinja's newstyle gettext runs `translation % variables` on every entry.
        problem = format_problem(ids, strings, strict)
        if problem:
            return Refusal(PLACEHOLDER_MISMATCH, problem)
    return None
