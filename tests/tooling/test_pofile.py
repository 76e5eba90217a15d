"""Strict catalog reading: every malformed file gives findings with file and line, never a traceback."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.tooling.pofile import CatalogError, parse_po, read_catalog, read_po_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "po"
MALFORMED = FIXTURES / "malformed"


@pytest.mark.parametrize(("name", "code", "line", "words"), [
    ("unterminated.po", "syntax-error", 13, "end-of-line within string"),
    ("bad_keyword.po", "syntax-error", 11, 'keyword "msgstrr" unknown'),
    ("duplicate.po", "duplicate", 16, "first defined at line 10"),
    ("missing_msgstr.po", "syntax-error", 10, "missing 'msgstr'"),
    ("bad_escape.po", "syntax-error", 10, "invalid control sequence"),
    ("plural_index.po", "syntax-error", 12, "nonzero index"),
    ("invalid_utf8.po", "encoding-error", 11, "invalid utf-8"),
    ("binary.po", "encoding-error", 1, ""),
])
def test_malformed_file_raises_catalog_error_with_line(name, code, line, words):
    path = MALFORMED / name
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    first = caught.value.findings[0]
    assert (first.path, first.code, first.line) == (str(path), code, line)
    assert words.lower() in first.message.lower()
    assert str(caught.value).startswith(f"{path}:{line}: {code}: ")


@pytest.mark.parametrize("path", sorted(MALFORMED.glob("*.po")), ids=lambda p: p.name)
def test_what_msgfmt_rejects_is_rejected_or_has_no_header(path):
    rejected = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                              capture_output=True).returncode != 0
    assert rejected
    try:
        pofile = read_po_file(path)
    except CatalogError:
        return
    assert pofile.header_line == 0  # msgfmt's only other fatal error here: no header (a `header` finding)


def test_unterminated_string_is_not_silently_truncated_like_babel():
    with pytest.raises(CatalogError):
        parse_po(b'msgid ""\nmsgstr ""\n\nmsgid "broken\nmsgstr "x"\n', Path("x.po"))


def test_several_errors_are_all_reported():
    data = b'msgid "a\nmsgstr "x"\n\nmsgid "b"\nmsgstr "y\n'
    with pytest.raises(CatalogError) as caught:
        parse_po(data, Path("x.po"))
    assert [f.line for f in caught.value.findings] == [1, 5]


def test_missing_file_is_a_catalog_error():
    with pytest.raises(CatalogError) as caught:
        read_catalog(FIXTURES / "does-not-exist.po")
    assert caught.value.findings[0].code == "unreadable"


def test_empty_and_headerless_files_parse_without_header():
    assert read_po_file(MALFORMED / "empty.po").header_line == 0
    headerless = read_po_file(MALFORMED / "no_header.po")
    assert headerless.header_line == 0
    assert headerless.catalog["Hello"].string == "こんにちは"


def test_previous_msgid_lines_are_read_into_previous_id():
    catalog = read_catalog(FIXTURES / "previous_msgid.po")
    assert catalog["Hello"].fuzzy
    assert catalog["Hello"].previous_id == ["Helo"] and catalog["Hello"].user_comments == []
    assert list(catalog.obsolete) == ["Greeting"]
    assert catalog.obsolete["Greeting"].string == "挨拶"


def test_catalog_content_matches_what_the_file_says():
    data = (
        'msgid ""\nmsgstr ""\n"Language: ja\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#. Translators: a button\n#: templates/a.html:3 templates/b.html:7\n#, python-format\n'
        'msgctxt "button"\nmsgid ""\n"Save %(n)s "\n"items\\n"\nmsgstr "%(n)s 件を\\t保存"\n\n'
        '#, fuzzy\nmsgid "50% off"\nmsgstr "50%オフ"\n\n'
        'msgid "One file"\nmsgid_plural "%(n)s files"\nmsgstr[0] "%(n)s ファイル"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "消えた"\n'
    ).encode()
    pofile = parse_po(data, Path("x.po"))
    catalog = pofile.catalog
    assert str(catalog.locale) == "ja" and catalog.num_plurals == 1
    assert ("Plural-Forms", "nplurals=1; plural=0;") in pofile.header and pofile.header_line == 1
    saved = catalog.get("Save %(n)s items\n", context="button")
    assert saved.string == "%(n)s 件を\t保存"
    assert saved.locations == [("templates/a.html", 3), ("templates/b.html", 7)]
    assert saved.auto_comments == ["Translators: a button"] and saved.lineno == 11
    # Flags are the file's: Babel's read_po would add python-format to "50% off" ("% o").
    assert catalog["50% off"].flags == {"fuzzy"}
    assert catalog["One file"].id == ("One file", "%(n)s files")
    assert catalog["One file"].string == ("%(n)s ファイル",)
    assert catalog.obsolete["Gone"].string == "消えた"


def test_unparseable_header_is_a_catalog_error_not_a_traceback():
    data = b'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=two; plural=0;\\n"\n'
    with pytest.raises(CatalogError) as caught:
        parse_po(data, Path("x.po"))
    assert caught.value.findings[0].code == "header"


def test_latin1_catalog_is_decoded_with_its_declared_charset():
    data = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
            'msgid "Cafe"\nmsgstr "Café"\n').encode("latin-1")
    assert parse_po(data, Path("x.po")).catalog["Cafe"].string == "Café"


def test_messages_are_independent_babel_messages():
    catalog = parse_po((FIXTURES / "state_ja.po").read_bytes(), Path("x.po")).catalog
    home, about = catalog["Home"], catalog["About us"]
    home.previous_id.append("Old home")
    assert about.previous_id == []
    assert home.python_format is False and home.pluralizable is False  # Babel's own properties still work


@pytest.mark.parametrize(("body", "line", "words"), [
    ('#~ msgid "a"\nmsgstr "x"\n', 2, "inconsistent use of #~"),
    ('msgid "a"\n#~ msgstr "x"\n', 2, "inconsistent use of #~"),
    ('msgid "a"\nmsgstr "x"\n#~ "more"\n', 3, "inconsistent use of #~"),
    ('msgstr "x"\n', 1, "msgstr without a msgid"),
    ('msgctxt "c"\nmsgid_plural "as"\n', 2, "msgid_plural after msgctxt"),
    ('"floating"\n', 1, "string outside"),
    ("msgid\n", 1, "missing string after msgid"),
    ('msgid "a" junk\nmsgstr "x"\n', 1, "unexpected text after string"),
    ('msgid "a"\nmsgstr[0] "x"\n', 2, "missing 'msgid_plural'"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[2] "y"\n', 4, "plural form has wrong index"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\n"tail\n', 4, "end-of-line within string"),
])
def test_syntax_errors_msgfmt_also_rejects(body, line, words, tmp_path):
    with pytest.raises(CatalogError) as caught:
        parse_po(body.encode(), Path("x.po"))
    first = caught.value.findings[0]
    assert (first.line, first.code) == (line, "syntax-error") and words in first.message
    path = tmp_path / "x.po"
    path.write_text(body)
    assert subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(path)],
                          capture_output=True).returncode == 1


def test_valid_oddities_msgfmt_accepts():
    data = ('msgid "a" "b"\n\nmsgstr "\\x41\\101\\t"\n\n'  # two strings on a line, blank line inside an entry
            '#~ msgid "gone"\n#~ msgstr ""\n#~ "multi"\n').encode()
    catalog = parse_po(data, Path("x.po")).catalog
    assert catalog["ab"].string == "AA\t"
    assert catalog.obsolete["gone"].string == "multi"


@pytest.mark.parametrize("charset", ["base64", "hex", "rot13", "CHARSET"])
def test_non_text_or_unknown_charset_is_read_as_utf8_never_a_lookup_error(tmp_path, charset):
    """codecs.lookup knows base64/hex/rot13, but bytes.decode refuses them: the header check reports them."""
    path = tmp_path / "odd.po"
    path.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n\n'
                    'msgid "a"\nmsgstr "あ"\n', encoding="utf-8")
    assert read_catalog(path)["a"].string == "あ"


def test_previous_context_msgid_and_plural_span_several_lines():
    data = (b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            b'#, fuzzy\n#| msgctxt "page summary"\n#| msgid ""\n#| "Old "\n#| "text"\n#| msgid_plural "Olds"\n'
            b'msgctxt "page title"\nmsgid "New"\nmsgid_plural "News"\nmsgstr[0] "x"\n\n'
            b'msgid "Plain"\nmsgstr "y"\n')
    catalog = parse_po(data, Path("x.po")).catalog
    message = catalog.get("New", context="page title")
    assert message.previous_id == ["Old text", "Olds"] and message.previous_context == "page summary"
    assert catalog["Plain"].previous_id == [] and not hasattr(catalog["Plain"], "previous_context")


@pytest.mark.parametrize("line", ['#| msgid "Old text', '#| bogus "Old"', '#| "stray"'])
def test_a_broken_previous_msgid_line_is_a_syntax_error_as_for_msgfmt(line):
    data = f'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n#, fuzzy\n{line}\nmsgid "New"\nmsgstr "x"\n'
    with pytest.raises(CatalogError) as caught:
        parse_po(data.encode(), Path("x.po"))
    assert [(f.line, f.code) for f in caught.value.findings] == [(5, "syntax-error")]
