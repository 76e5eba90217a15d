"""The one verdict on whether a translation may be shown: the live site, `compile`, `check` and the status
page all ask `refusal`, so they refuse exactly the same entries for the same reasons."""
from __future__ import annotations

from dataclasses import dataclass

from babel.messages.catalog import Message

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


def refusal(message: Message, *, html: bool = True, strict: frozenset[int] | None = GERMANIC) -> Refusal | None:
    """Why `message`'s translation must not be shown (English is shown instead), or None (also for the
    header, and for untranslated and fuzzy entries: they are not shown anyway, and `check` names them).

    `html`: the entry is rendered into HTML pages by the project's templates through Jinja's newstyle
    gettext (the site's own catalogs), so markup rules apply to plain-text entries too, and `%` formatting
    runs on every entry. `strict`: the plural forms msgfmt -c checks strictly (`formats.catalog_strict_forms`).
    """
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    if not ids[0] or not any(strings) or "fuzzy" in message.flags:
        return None
    problem = translation_markup_problem(ids, strings, catalog=PAGE if html else TEXT)
    if problem:
        return Refusal(UNSAFE_MARKUP, problem)
    if html:
        # Jinja's newstyle gettext runs `translation % variables` on every entry.
        problem = format_problem(message.id, message.string, strict)
        if problem:
            return Refusal(PLACEHOLDER_MISMATCH, problem)
    return None
