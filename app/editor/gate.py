"""The editor's verdict on one entry as it would be saved: the one place the live QA (qa.py) and the upload
(transfer.py) ask, so that it can be pointed at issue 16's single editor/CI gate function when that lands.

Today: the save's own refusal (store.validate: length, control characters, the live site's verdict) and the
project glossary (an agreed name missing, which `check` reports as an error).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..tooling.glossary import project_glossary
from ..tooling.pofile import CatalogError
from .store import validate


@dataclass(frozen=True)
class GlossaryHit:
    source: str  # the English term the msgid uses
    agreed: str | None  # its agreed translation in this locale (None: no agreed term yet)
    present: bool  # every non-empty form contains the agreed term (True when there is none)
    note: str = ""


@dataclass(frozen=True)
class Gate:
    refusal: str | None  # why the save would be refused; None: it would be accepted
    glossary: tuple[GlossaryHit, ...] = ()
    glossary_error: str | None = None  # the glossary cannot be read
    warnings: tuple[str, ...] = ()  # shown, never a reason to refuse (e.g. a trailing space)

    def as_json(self) -> dict:
        return {"refusal": self.refusal, "glossary_error": self.glossary_error,
                "glossary": [{"source": hit.source, "agreed": hit.agreed, "present": hit.present,
                              "note": hit.note} for hit in self.glossary],
                "warnings": list(self.warnings)}


def entry_gate(ids: tuple[str, ...], strings: tuple[str, ...], *, locale: str, translations_dir: Path,
               strict: frozenset[int] | None) -> Gate:
    """The verdict on `strings` as the translation of `ids` in `locale`, and the glossary terms it uses."""
    refusal = validate(ids, strings, strict)
    try:
        glossary = project_glossary(translations_dir)
    except CatalogError as err:
        return Gate(refusal, glossary_error=str(err))
    hits = []
    filled = [s for s in strings if s]
    for term in glossary.terms_in(" ".join(ids)) if glossary else ():
        agreed = term.translations.get(locale)
        hits.append(GlossaryHit(term.source, agreed, not agreed or not filled or all(agreed in s for s in filled),
                                term.note))
    warnings = tuple(f"form {i} ends with a space" if len(strings) > 1 else "ends with a space"
                     for i, s in enumerate(strings) if s != s.rstrip() and s and ids[0] == ids[0].rstrip())
    missing = [hit for hit in hits if not hit.present]
    if refusal is None and missing:
        refusal = "; ".join(f"“{hit.source}” should be translated “{hit.agreed}”" for hit in missing)
    return Gate(refusal, tuple(hits), warnings=warnings)
