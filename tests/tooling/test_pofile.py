"""Strict catalog reading: every malformed file gives findings with file and line, never a traceback."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.tooling.checks import check_catalog
from app.tooling.pofile import CatalogError, messages, parse_po, read_catalog, read_po_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "po"
MALFORMED = FIXTURES / "malformed"


def msgfmt_first_error(path: Path) -> int | None:
    """The line of the first error `msgfmt --statistics` reports on `path`, None if it accepts the file."""
    result = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(path)], capture_output=True,
                            text=True, errors="replace", env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    if result.returncode == 0:
        return None
    match = re.search(rf"^{re.escape(str(path))}:(\d+):", result.stderr, re.MULTILINE)
    return int(match.group(1)) if match else 0


@pytest.mark.parametrize(("name", "code", "words"), [
    ("unterminated.po", "syntax-error", "end-of-line within string"),
    ("bad_keyword.po", "syntax-error", 'keyword "msgstrr" unknown'),
    ("duplicate.po", "duplicate", "first defined at line 10"),
    ("missing_msgstr.po", "syntax-error", "missing 'msgstr'"),
    ("bad_escape.po", "syntax-error", "invalid control sequence"),
    ("plural_index.po", "syntax-error", "nonzero index"),
    ("invalid_utf8.po", "encoding-error", "invalid multibyte sequence (not utf-8)"),
    ("binary.po", "syntax-error", "the character '\\x7f'"),
])
def test_malformed_file_raises_catalog_error_at_msgfmts_line(name, code, words):
    path = MALFORMED / name
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    first = caught.value.findings[0]
    line = msgfmt_first_error(path)
    assert (first.path, first.code, first.line) == (str(path), code, line)
    assert words.lower() in first.message.lower()
    assert str(caught.value).startswith(f"{path}:{line}: {code}: ")


def test_unterminated_string_is_not_silently_truncated_like_babel():
    with pytest.raises(CatalogError):
        parse_po(b'msgid ""\nmsgstr ""\n\nmsgid "broken\nmsgstr "x"\n', Path("x.po"))


def test_several_errors_are_all_reported_at_msgfmts_lines(tmp_path):
    data = b'msgid "a\nmsgstr "x"\n\nmsgid "b"\nmsgstr "y\n'
    with pytest.raises(CatalogError) as caught:
        parse_po(data, Path("x.po"))
    path = tmp_path / "x.po"
    path.write_bytes(data)
    output = subprocess.run(["msgfmt", "-o", "/dev/null", str(path)], capture_output=True, text=True).stderr
    msgfmt_lines = [int(n) for n in re.findall(rf"^{re.escape(str(path))}:(\d+):", output, re.MULTILINE)]
    assert [f.line for f in caught.value.findings] == msgfmt_lines == [2, 6]


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


def test_header_babel_cannot_read_is_a_warning_not_an_error():
    data = b'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=two; plural=0;\\n"\n'
    pofile = parse_po(data, Path("x.po"))
    assert [(f.line, f.code, f.severity) for f in pofile.findings] == [(1, "header", "warning")]
    assert "Plural-Forms" in pofile.findings[0].message


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


def test_messages_are_what_iterating_the_catalog_yields_after_its_header():
    """messages() reads Babel's dict of messages directly (no header built): the same objects, in order."""
    from babel.messages.catalog import Catalog, Message

    read = parse_po((FIXTURES / "state_ja.po").read_bytes(), Path("x.po")).catalog
    built = Catalog(locale="ja")
    built["b"] = Message("b", "B")
    built[("a", "as")] = Message(("a", "as"), ("A",), context="c")
    for catalog in (read, built, Catalog()):
        assert [id(m) for m in messages(catalog)] == [id(m) for m in list(catalog)[1:]]
    assert len(list(messages(read))) == len(read) > 2


@pytest.mark.parametrize(("body", "words"), [
    ('#~ msgid "a"\nmsgstr "x"\n', "inconsistent use of #~"),
    ('msgid "a"\n#~ msgstr "x"\n', "inconsistent use of #~"),
    ('msgid "a"\nmsgstr "x"\n#~ "more"\n', "inconsistent use of #~"),
    ('msgstr "x"\n', "msgstr outside an entry"),
    ('msgctxt "c"\nmsgid_plural "as"\n', "msgid_plural after msgctxt"),
    ('"floating"\n', "a string outside an entry"),
    ("msgid\n", "the end of the file after msgid"),
    ('msgid "a" junk\nmsgstr "x"\n', 'keyword "junk" unknown'),
    ('msgid "a"\nmsgstr[0] "x"\n', "missing 'msgid_plural'"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[2] "y"\n', "plural form has wrong index"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\n"tail\n', "end-of-line within string"),
    ('msgid "a"\nmsgstr "x', "end-of-file within string"),
    ('\ufeffmsgid ""\nmsgstr ""\n', "byte order mark"),
    ('msgid\u00a0"a"\nmsgstr "b"\n', "U+00A0"),
    ('msgid "a"\u2028msgstr "b"\n', "U+2028"),
    ('msgid "a\\004b"\nmsgstr "b"\n', "context separator"),
    ('msgid "a"\nmsgid_plural "b"\nmsgstr[\u0660] "x"\n', "U+0660"),
    ('msgid "a"\n#| msgid "b"\nmsgstr "x"\n', "missing 'msgstr'"),
    ('#| msgid "b"\n\n#, fuzzy\nmsgid "a"\nmsgstr "x"\n', "after #| lines"),
    ('#| msgstr "b"\nmsgid "a"\nmsgstr "x"\n', 'keyword "msgstr" unknown'),
    ('#| msgid "x"\n#~ msgid "y"\n#~ msgstr "z"\n', "inconsistent use of #~"),
    ('#~| msgid "x"\nmsgid "y"\nmsgstr "z"\n', "inconsistent use of #~"),
    ('msgid ""\n#~ msgstr ""\n"Language: ja\\n"\n', "inconsistent use of #~"),  # the list's first string, at once
    ('#~ msgctxt "c"\nmsgid "a"\nmsgstr "x"\n', "inconsistent use of #~"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\n#~ msgstr[1] "y"\n', "inconsistent use of #~"),
    ('msgid "a"\nmsgstr "x"\nmsgid "a"\nmsgstr "y"\n', "duplicate message definition"),
    ('msgid "a"\nmsgstr "x"\n#~ msgid "a"\n#~ msgstr "y"\n', "duplicate message definition"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr[' + "9" * 5000 + '] "x"\n', "nonzero index"),
])
def test_what_msgfmt_rejects_is_rejected_at_its_line(body, words, tmp_path):
    path = tmp_path / "x.po"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        read_po_file(path)
    first = caught.value.findings[0]
    assert first.line == msgfmt_first_error(path)
    assert any(words in finding.message for finding in caught.value.findings)


HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


@pytest.mark.parametrize(("body", "count"), [
    (HEADER + '"PO-Revision-Date: 2022-05-11 11:42+01:00\\n"\n', 0),
    (HEADER + '"PO-Revision-Date: 2022-05-11 11:42:18+0200\\n"\n', 0),
    (HEADER + '"POT-Creation-Date: 2003-10-21 14:00 CEST\\n"\n', 0),
    (HEADER + '"PO-Revision-Date: Wed May 11 11:42:18 UTC 2022\\n"\n', 0),
    ('msgid ""\nmsgstr "charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "\u3042"\n', 1),
    (HEADER + '\nmsgid "one" msgstr "\u4e00"\n', 1),
    ('domain "other"\n' + HEADER + '\nmsgid "a"\nmsgstr "b"\n', 1),
    (HEADER + '\nmsgid "a"\nmsgstr "b\x00c"\n', 1),
    (HEADER + '\n# a comment with \udce9 a Latin-1 byte\nmsgid "a"\nmsgstr "b"\n', 1),
    (HEADER + '\n#: f.py:' + "9" * 5000 + ' g.py:3\nmsgid "a"\nmsgstr "b"\n', 1),
    (HEADER + '\nmsgid "a"\nmsgstr "\\xe3\\x81\\x82\\101"\n', 1),
    (HEADER.replace("\n", "\r\n") + '\r\nmsgid "a"\r\nmsgstr "b"\r\n', 1),
    ('msgid "a" "b"\n\nmsgstr "\\x41\\101\\t"\n\n#~ msgid "gone"\n#~ msgstr ""\n#~ "multi"\n', 1),
])
def test_what_msgfmt_accepts_is_read_with_its_counts(body, count, tmp_path):
    path = tmp_path / "x.po"
    path.write_bytes(body.encode("utf-8", "surrogateescape"))
    assert msgfmt_first_error(path) is None
    catalog = read_catalog(path)
    assert len(list(messages(catalog))) == count


def test_strings_read_as_msgfmt_reads_them():
    data = (HEADER + '\nmsgid "a"\nmsgstr "\\xe3\\x81\\x82\\101"\n\nmsgid "b"\nmsgstr "x\\000y"\n\n'
            '#: f.py:' + "9" * 5000 + ' g.py:3\nmsgid "one" msgstr "\u4e00"\n').encode()
    catalog = parse_po(data, Path("x.po")).catalog
    assert catalog["a"].string == "\u3042A"  # escapes are bytes of the file's charset
    assert catalog["b"].string == "x"  # msgfmt keeps a string up to its first NUL
    assert catalog["one"].string == "\u4e00" and catalog["one"].locations == [("g.py", 3)]


def test_shift_jis_declared_as_utf8_is_one_finding_with_the_fix():
    body = HEADER + "".join(f'\nmsgid "m{n}"\nmsgstr "\u3053\u3093\u306b\u3061\u306f{n}"\n' for n in range(60))
    with pytest.raises(CatalogError) as caught:
        parse_po(body.encode("cp932"), Path("x.po"))
    assert len(caught.value.findings) == 1
    finding = caught.value.findings[0]
    assert finding.code == "encoding-error" and "Shift_JIS" in finding.message and "iconv" in finding.message


def test_encoding_findings_crlf_and_legacy_charset():
    data = HEADER.replace("UTF-8", "EUC-JP") + '\nmsgid "a"\nmsgstr "\u3042"\n'
    pofile = parse_po(data.replace("\n", "\r\n").encode("euc_jp"), Path("x.po"))
    assert pofile.catalog["a"].string == "\u3042" and pofile.charset == "euc_jp"
    codes = sorted((f.code, f.severity, f.message.split(" ")[1]) for f in pofile.findings)
    assert codes == [("encoding", "warning", "line(s)"), ("encoding", "warning", "not")]


@pytest.mark.parametrize("make", ["fifo", "directory", "device"])
def test_non_regular_files_are_refused_at_once(make, tmp_path):
    path = tmp_path / "x.po"
    if make == "fifo":
        os.mkfifo(path)  # nobody writes: reading it would block forever
    elif make == "directory":
        path.mkdir()
    else:
        path = Path("/dev/zero")  # reading it would never end
    with pytest.raises(CatalogError) as caught:
        read_po_file(path)
    assert caught.value.findings[0].code == "unreadable" and "not a regular file" in caught.value.findings[0].message


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
def test_a_broken_previous_msgid_line_is_a_syntax_error_as_for_msgfmt(line, tmp_path):
    path = tmp_path / "x.po"
    path.write_text(f'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n#, fuzzy\n{line}\n'
                    'msgid "New"\nmsgstr "x"\n', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        read_po_file(path)
    assert {f.code for f in caught.value.findings} == {"syntax-error"}
    assert caught.value.findings[0].line == msgfmt_first_error(path)


def test_unchecked_bytes_in_strings_are_one_warning_naming_the_encoding_and_an_error_in_the_sites_catalogs(tmp_path):
    """Without a charset msgfmt knows it copies strings' bytes unchecked (it accepts the file); we cannot,
    so the file is read with U+FFFD and one warning says why and how to fix it. The site would show the
    U+FFFD: in its own catalogs that is an error."""
    body = 'msgid ""\nmsgstr "Language: ja\\n"\n' + "".join(
        f'\nmsgid "m{n}"\nmsgstr "\u3053\u3093\u306b\u3061\u306f{n}"\n' for n in range(30))
    path = tmp_path / "sjis.po"
    path.write_bytes(body.encode("cp932"))
    assert msgfmt_first_error(path) is None
    pofile = read_po_file(path)
    findings = [f for f in pofile.findings if f.code == "encoding"]
    assert [(f.line, f.severity) for f in findings] == [(5, "warning")]
    assert "30 string line(s)" in findings[0].message and "iconv -f Shift_JIS" in findings[0].message
    site = [f for f in check_catalog(pofile.catalog, path, pofile=pofile, newstyle=True) if f.code == "encoding"]
    assert [(f.line, f.severity) for f in site] == [(5, "error")]
    assert [f.code for f in check_catalog(pofile.catalog, path, pofile=pofile) if f.code == "encoding"] == []


@pytest.mark.parametrize(("data", "expected"), [
    (b'msgid "ab\\\ncd"\nmsgstr "x"\n\nmsg\\\nid "k"\nmsgstr "y"\n', {"abcd": "x", "k": "y"}),  # backslash-newline
    ('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'.encode("utf-16"), None),  # UTF-16
    (b'msgid "a"\nmsgstr "b"\n\x00\n', None),  # a NUL byte outside a string
    (b'msgid "a"\nmsgstr "\\xe9\\x41"\n\n# \xff\n', {"a": "\ufffdA"}),  # escapes are bytes, decoded as UTF-8
])
def test_lexer_details_follow_msgfmt(data, expected, tmp_path):
    path = tmp_path / "x.po"
    path.write_bytes(data)
    if expected is None:
        with pytest.raises(CatalogError) as caught:
            read_po_file(path)
        assert caught.value.findings[0].line == msgfmt_first_error(path)
        return
    assert msgfmt_first_error(path) is None
    catalog = read_catalog(path)
    assert {message.id: message.string for message in messages(catalog)} == expected


def test_check_refuses_a_fifo_at_once_and_still_reports_the_other_files(tmp_path):
    fifo = tmp_path / "fifo.po"
    os.mkfifo(fifo)  # nobody ever writes to it
    good = FIXTURES / "state_ja.po"
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run([str(flask), "--app", "app", "i18n", "check", "--format", "json", str(fifo), str(good),
                             "/dev/zero"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert [catalog["path"] for catalog in report["catalogs"]] == [str(good)]
    unreadable = {f["path"]: f["message"] for f in report["findings"] if f["code"] == "unreadable"}
    assert unreadable == {str(fifo): "not a regular file (a FIFO)", "/dev/zero": "not a regular file (a device)"}


@pytest.mark.parametrize(("between", "comment", "rejected_at"), [
    ("", b"#\xff, python-format", None),  # the comment is bison's lookahead: the header's charset is not set yet
    ('msgid "x"\nmsgstr "y"\n\n', b"#\xff, python-format", 8),  # the character after '#' is checked
    ('msgid "x"\nmsgstr "y"\n\n', b"# \xff comment", None),  # the rest of a comment is not
    ('msgid "x"\nmsgstr "y"\n\n', b"#, \xc3(", None),
])
def test_invalid_bytes_right_after_a_hash_are_an_error_where_msgfmt_checks_them(tmp_path, between, comment, rejected_at):
    path = tmp_path / "c.po"
    path.write_bytes(b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + between.encode()
                     + comment + b'\nmsgid "a"\nmsgstr "b"\n')
    assert msgfmt_first_error(path) == rejected_at
    if rejected_at:
        with pytest.raises(CatalogError) as excinfo:
            read_po_file(path)
        assert [(f.line, f.code) for f in excinfo.value.findings] == [(rejected_at, "encoding-error")]
    else:
        read_po_file(path)


def test_text_in_euc_tw_which_python_cannot_read_is_never_passed_unverified(tmp_path):
    """msgfmt checks EUC-TW with glibc's iconv; Python has no codec for it: UTF-8 text declared EUC-TW is
    rejected by msgfmt, and check, unable to tell, reports an error instead of passing it."""
    path = tmp_path / "tw.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=EUC-TW\\n"\n\nmsgid "a"\nmsgstr "東北"\n',
                    encoding="utf-8")
    assert msgfmt_first_error(path) == 6
    findings = [f for f in read_po_file(path).findings if f.code == "encoding"]
    assert [(f.line, f.severity) for f in findings] == [(6, "error")] and "EUC-TW" in findings[0].message
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=EUC-TW\\n"\n\nmsgid "a"\nmsgstr "b"\n',
                    encoding="utf-8")
    assert [f for f in read_po_file(path).findings if f.code == "encoding"] == []


def test_each_message_has_the_fields_babel_gives_a_message_and_none_shares_a_list():
    """_build_catalog builds each Message's fields in one dict: exactly Message.__init__'s (a Babel that adds
    a field makes this fail), none of them shared between two messages."""
    from babel.messages.catalog import Message

    catalog = parse_po(b'msgid "a"\nmsgstr "x"\n\n#, python-format\nmsgid "b %s"\nmsgstr "y %s"\n', Path("t.po")).catalog
    first, second = messages(catalog)
    assert vars(first).keys() == vars(second).keys() == vars(Message("-")).keys()
    assert first.flags == set() and second.flags == {"python-format"} and first.python_format is False
    shared = [name for name, value in vars(first).items()
              if isinstance(value, (list, set, dict)) and value is getattr(second, name)]
    assert shared == []
