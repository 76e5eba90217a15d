"""Review before publish, as the editor shows it: each suggestion beside the live text, with a diff per form
(translators.text_diff). The suggestions themselves are app/suggestions.py; the routes are views.py's."""
from __future__ import annotations

from dataclasses import dataclass

from ..suggestions import OPEN, Suggestion
from ..translators import text_diff


@dataclass(frozen=True)
class ShownSuggestion:
    suggestion: Suggestion
    live: tuple[str, ...]  # the entry's translation now
    diffs: tuple[list[tuple[str, str]], ...]  # per form: live → suggested

    @property
    def open(self) -> bool:
        return self.suggestion.state == OPEN

    @property
    def stale(self) -> bool:
        """Made against a translation that has changed since (another suggestion was accepted, say)."""
        return self.suggestion.base != self.live


def shown(suggestions: list[Suggestion], live: tuple[str, ...]) -> list[ShownSuggestion]:
    """`suggestions` of one entry whose translation is `live`, each with its diffs; a suggestion with
    another number of forms (the entry changed shape) is diffed form by form as far as both go."""
    return [ShownSuggestion(s, live, tuple(text_diff(old, new) for old, new in zip(live, s.strings, strict=False)))
            for s in suggestions]
