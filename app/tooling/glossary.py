"""The project glossary: names that must always be translated the same way, and the check that they are.

`translations/glossary.csv` is UTF-8 CSV with a header row: `en`, then one column per locale (`ja`, ...),
then `note`. Each row is one English term and its agreed translation in each locale (an empty cell: no
agreed translation yet, nothing is checked for that locale).

A term matches an msgid as a whole word and case-sensitively ("Director" does not match "directory" or
"director"). Where terms overlap, the longest wins: "Vice President" in an msgid asks for 副学長, not also
for the 総長 that "President" alone would. A translation is then expected to contain the agreed term
verbatim (no Unicode normalization: NFKC would turn 重点戦略⑰ into 重点戦略17).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from .entry import ids_of, strings_of
from .findings import Finding
from .pofile import DUPLICATE, ENCODING_ERROR, SYNTAX_ERROR, UNREADABLE, CatalogError
from .project_files import refuse_outside

GLOSSARY = "glossary"
GLOSSARY_FILE = "glossary.csv"  # in the translations directory, beside messages.pot
SOURCE_COLUMN = "en"
NOTE_COLUMN = "note"


@dataclass(frozen=True)
class Term:
    source: str
    translations: dict[str, str]  # locale -> agreed term; locales with an empty cell are left out
    note: str = ""
    line: int = 0  # line in glossary.csv, for messages that point the translator at the row
    pattern: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # Whole word: no letter/digit/underscore right before or after ("\b" fails on terms that start or
        # end with punctuation, such as a quoted motto).
        object.__setattr__(self, "pattern", re.compile(rf"(?<!\w){re.escape(self.source)}(?!\w)"))


@dataclass(frozen=True)
class Glossary:
    path: Path
    terms: tuple[Term, ...]  # longest English term first, so overlapping matches go to the longest

    def terms_in(self, text: str) -> list[Term]:
        """The terms `text` contains, each once; a term inside a longer matched term does not count."""
        taken: list[tuple[int, int]] = []
        found = []
        for term in self.terms:
            for match in term.pattern.finditer(text):
                start, end = match.span()
                if not any(start < t_end and t_start < end for t_start, t_end in taken):
                    taken.append((start, end))
                    if term not in found:
                        found.append(term)
        return found


def load_glossary(path: Path) -> Glossary:
    """Read glossary.csv. Raises CatalogError (an input error: `check` exits 2) naming file and line."""
    path = Path(path)

    def error(line: int, code: str, message: str) -> CatalogError:
        return CatalogError([Finding(str(path), line, code, message)])

    try:
        text = path.read_bytes().decode("utf-8-sig")  # spreadsheets often save a byte-order mark
    except OSError as exc:
        raise error(0, UNREADABLE, exc.strerror or str(exc)) from exc
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise error(line, ENCODING_ERROR, "glossary is not UTF-8") from exc
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise error(0, SYNTAX_ERROR, f"not valid CSV: {exc}") from exc
    if not rows:
        raise error(1, SYNTAX_ERROR, "empty glossary: the first row must be the header en,ja,note")
    header = [name.strip() for name in rows[0]]
    if len(header) < 3 or header[0] != SOURCE_COLUMN or header[-1] != NOTE_COLUMN or "" in header:
        raise error(1, SYNTAX_ERROR, f"header must be en,<locale>...,note (e.g. en,ja,note), not {rows[0]}")
    locales = header[1:-1]
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines are fine
        if len(row) != len(header):
            raise error(line, SYNTAX_ERROR, f"{len(row)} fields, the header has {len(header)}: "
                                            "quote any cell that contains a comma")
        source = row[0].strip()
        if not source:
            raise error(line, SYNTAX_ERROR, "empty English term")
        if source in seen:
            raise error(line, DUPLICATE, f"“{source}” is already defined at line {seen[source]}")
        seen[source] = line
        translations = {locale: cell.strip() for locale, cell in zip(locales, row[1:-1], strict=True) if cell.strip()}
        terms.append(Term(source, translations, row[-1].strip(), line))
    terms.sort(key=lambda term: len(term.source), reverse=True)
    return Glossary(path, tuple(terms))


def project_glossary(translations_dir: Path) -> Glossary | None:
    """The project's glossary, or None when it has none. Raises CatalogError when it cannot be read."""
    path = Path(translations_dir) / GLOSSARY_FILE
    refuse_outside(path, translations_dir)
    return load_glossary(path) if path.exists() else None


def glossary_findings(catalog: Catalog, path, glossary: Glossary) -> list[Finding]:
    """A `glossary` finding for each translated entry whose msgid uses a term its translation lacks.

    An error, like a wrong placeholder: official names are not a matter of style. Untranslated and fuzzy
    entries are left to the `untranslated` and `fuzzy` findings: the agreed term is checked once the
    translation is live. A term used in another sense is handled in the glossary, by a longer term (the
    longest match wins), never by weakening the check.
    """
    locale = str(catalog.locale) if catalog.locale else ""
    if not any(locale in term.translations for term in glossary.terms):
        return []
    findings = []
    for message in catalog:
        if not message.id or "fuzzy" in message.flags:
            continue
        ids = ids_of(message)
        strings = [s for s in strings_of(message) if s]
        if not strings:
            continue
        for term in glossary.terms_in(" ".join(ids)):
            agreed = term.translations.get(locale)
            if agreed and not all(agreed in string for string in strings):
                note = f" ({term.note})" if term.note else ""
                findings.append(Finding(
                    str(path), message.lineno or 0, GLOSSARY,
                    f"“{term.source}” should be translated “{agreed}”{note}; see {glossary.path.name} line "
                    f"{term.line}", msgid=ids[0], msgctxt=message.context or ""))
    return findings
