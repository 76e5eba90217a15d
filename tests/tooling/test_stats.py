"""Counts agree with GNU msgfmt on real catalogs and on the corner cases where Babel does not."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from app.tooling.pofile import parse_po, read_catalog, read_po_file
from app.tooling.stats import CatalogStats, catalog_stats

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "po" / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.po"))
# (translated, fuzzy, untranslated) from the corpus README, i.e. `msgfmt --check-format --statistics`.
README_FIGURES = {
    "django_humanize_ja.po": (67, 0, 0),
    "django_admin_ja.po": (176, 0, 0),
    "django_core_ja.po": (328, 0, 0),
    "bleachbit_ja.po": (325, 61, 122),
    "sphinx_ja.po": (663, 0, 206),
    "contentdb_ja.po": (451, 0, 780),
    "geeqie_ja.po": (1058, 229, 260),
}
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'


def msgfmt_counts(path: Path) -> tuple[int, int, int]:
    """(translated, fuzzy, untranslated) parsed from `msgfmt --statistics -o /dev/null`."""
    output = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True, env={"LC_ALL": "C"}).stderr
    def count(word: str) -> int:
        match = re.search(rf"(\d+) {word}", output)
        return int(match.group(1)) if match else 0
    return count("translated"), count("fuzzy"), count("untranslated")


def counts(stats: CatalogStats) -> tuple[int, int, int]:
    return stats.translated, stats.fuzzy, stats.untranslated


def test_corpus_is_complete():
    assert {p.name for p in CORPUS_FILES} == set(README_FIGURES)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_counts_equal_corpus_readme_figures(path):
    stats = catalog_stats(read_catalog(path))
    assert counts(stats) == README_FIGURES[path.name]
    assert stats.total == sum(README_FIGURES[path.name])


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_counts_equal_msgfmt_statistics(path):
    assert counts(catalog_stats(read_catalog(path))) == msgfmt_counts(path)


CORNER_CASES = {
    "fuzzy_with_empty_msgstr": '#, fuzzy\nmsgid "a"\nmsgstr ""\n',
    "fuzzy_translated": '#, fuzzy\nmsgid "a"\nmsgstr "x"\n',
    "plural_second_form_empty": 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] ""\n',
    "plural_first_form_empty": 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] ""\nmsgstr[1] "y"\n',
    "obsolete_and_context": 'msgctxt "c"\nmsgid "a"\nmsgstr "x"\n\n#~ msgid "b"\n#~ msgstr "y"\n',
    "empty_msgid_with_context_is_not_a_header": 'msgctxt "c"\nmsgid ""\nmsgstr "x"\n',
}
CORNER_EXPECTED = {
    "fuzzy_with_empty_msgstr": (0, 0, 1),
    "fuzzy_translated": (0, 1, 0),
    "plural_second_form_empty": (1, 0, 0),
    "plural_first_form_empty": (0, 0, 1),
    "obsolete_and_context": (1, 0, 0),
    "empty_msgid_with_context_is_not_a_header": (1, 0, 0),
}


@pytest.mark.parametrize("name", sorted(CORNER_CASES))
def test_corner_cases_count_as_msgfmt_does(name, tmp_path):
    path = tmp_path / f"{name}.po"
    path.write_text(HEADER + CORNER_CASES[name], encoding="utf-8")
    assert counts(catalog_stats(read_catalog(path))) == CORNER_EXPECTED[name]
    assert msgfmt_counts(path) == CORNER_EXPECTED[name]


def test_obsolete_counted_separately_and_coverage():
    stats = catalog_stats(parse_po((HEADER + CORNER_CASES["obsolete_and_context"]).encode(), Path("x.po")).catalog)
    assert stats == CatalogStats(total=1, translated=1, fuzzy=0, untranslated=0, obsolete=1)
    assert stats.coverage == 100.0
    assert CatalogStats(0, 0, 0, 0, 0).coverage == 100.0
    assert CatalogStats(3, 1, 1, 1, 0).coverage == pytest.approx(33.333, abs=0.001)


@pytest.mark.parametrize(("body", "expected"), [
    ('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "x"\n', (1, 0, 1)),  # an empty header counts as untranslated
    ('#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: ja\\n"\n\nmsgid "a"\nmsgstr "x"\n', (1, 0, 0)),  # fuzziness ignored
    ('#~ msgid ""\n#~ msgstr ""\n\nmsgid "a"\nmsgstr "x"\n', (1, 0, 0)),  # an obsolete one does not count
])
def test_header_counts_as_msgfmt_counts_it(body, expected, tmp_path):
    path = tmp_path / "header.po"
    path.write_text(body, encoding="utf-8")
    pofile = read_po_file(path)
    assert counts(catalog_stats(pofile.catalog, pofile)) == msgfmt_counts(path) == expected
    assert catalog_stats(pofile.catalog, pofile).total == sum(expected)
