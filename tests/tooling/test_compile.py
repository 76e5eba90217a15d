"""compile.py: deterministic .mo bytes, writing only what changed, refusing catalogs with errors."""
from __future__ import annotations

import gettext
import io
import os
import struct
import subprocess
import time
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.config import PROJECT_ROOT

from app.tooling.compile import compile_catalog, mo_bytes, write_if_changed
from app.tooling.pofile import CatalogError, messages, read_catalog

HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ja\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

"""


def write_po(path: Path, body: str, header: str = HEADER) -> Path:
    path.write_text(header + body, encoding="utf-8")
    return path


def translations(data: bytes) -> gettext.GNUTranslations:
    return gettext.GNUTranslations(io.BytesIO(data))


def test_write_if_changed_skips_identical_content(tmp_path):
    target = tmp_path / "messages.pot"
    assert write_if_changed(target, b"a") is True
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert write_if_changed(target, b"a") is False
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert write_if_changed(target, b"b") is True
    assert target.read_bytes() == b"b"


# mo_bytes -----------------------------------------------------------------------------------------------

def make_catalog() -> Catalog:
    catalog = Catalog(locale="ja")
    catalog.add("Hello", "こんにちは")
    catalog.add("Draft", "下書き", flags=["fuzzy"])
    catalog.add("Empty", "")
    catalog.add("Home", "ホーム", context="nav")
    catalog.add(("%(num)d partner", "%(num)d partners"), ("%(num)d 校",))
    return catalog


def test_mo_bytes_round_trips_and_leaves_out_fuzzy_and_empty():
    t = translations(mo_bytes(make_catalog()))
    assert t.gettext("Hello") == "こんにちは"
    assert t.gettext("Draft") == "Draft"
    assert t.gettext("Empty") == "Empty"
    assert t.pgettext("nav", "Home") == "ホーム"
    assert t.ngettext("%(num)d partner", "%(num)d partners", 5) == "%(num)d 校"


def test_mo_bytes_leaves_out_an_entry_added_without_a_string():
    """Catalog.add's default string is None: untranslated, as for Babel's write_mo (found by mypy)."""
    catalog = make_catalog()
    catalog.add("Untranslated")
    t = translations(mo_bytes(catalog))
    assert t.gettext("Untranslated") == "Untranslated" and t.gettext("Hello") == "こんにちは"


def test_mo_bytes_is_deterministic():
    assert mo_bytes(make_catalog()) == mo_bytes(make_catalog())


def test_mo_bytes_agrees_with_msgfmt(tmp_path):
    po = write_po(tmp_path / "ja.po", 'msgid "Hello"\nmsgstr "こんにちは"\n\n'
                  '#, fuzzy\nmsgid "Draft"\nmsgstr "下書き"\n\n'
                  'msgctxt "nav"\nmsgid "Home"\nmsgstr "ホーム"\n')
    reference = tmp_path / "ref.mo"
    subprocess.run(["msgfmt", "-o", str(reference), str(po)], check=True)
    ours = translations(mo_bytes(read_catalog(po)))
    theirs = translations(reference.read_bytes())
    for key in ("Hello", "Draft"):
        assert ours.gettext(key) == theirs.gettext(key)
    assert ours.pgettext("nav", "Home") == theirs.pgettext("nav", "Home") == "ホーム"


def babel_write_mo(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def without_contexts(catalog: Catalog) -> Catalog:
    for message in [m for m in messages(catalog) if m.context]:
        catalog.delete(message.id, message.context)
    return catalog


def mo_keys(data: bytes) -> list[bytes]:
    count, originals = struct.unpack_from("<I", data, 8)[0], struct.unpack_from("<I", data, 12)[0]
    return [data[offset:offset + length]
            for length, offset in (struct.unpack_from("<II", data, originals + 8 * i) for i in range(count))]


REAL_CATALOGS = [PROJECT_ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po",
                 *(PROJECT_ROOT / "tests" / "fixtures" / "po" / name
                   for name in ("quality_ja.po", "state_ja.po", "source_en.po", "previous_msgid.po"))]


@pytest.mark.parametrize("po", REAL_CATALOGS, ids=lambda p: p.name)
def test_mo_bytes_are_babels_where_babel_is_right(po):
    catalog = read_po(po.open("rb"))
    # Without msgctxt, Babel's order is the byte order libintl needs: the very same bytes.
    assert mo_bytes(without_contexts(read_po(po.open("rb")))) == babel_write_mo(without_contexts(catalog))
    # With msgctxt, the same entries; ours sorted by the key bytes, context included, as GNU's are.
    catalog = read_po(po.open("rb"))
    ours, babels = mo_bytes(catalog), babel_write_mo(catalog)
    assert sorted(mo_keys(ours)) == mo_keys(ours) and sorted(mo_keys(babels)) == sorted(mo_keys(ours))
    assert translations(ours)._catalog == translations(babels)._catalog


def test_gnu_msgunfmt_reads_what_mo_bytes_wrote(tmp_path):
    po = REAL_CATALOGS[0]
    ours, gnu = tmp_path / "ours.mo", tmp_path / "gnu.mo"
    ours.write_bytes(mo_bytes(read_catalog(po)))
    subprocess.run(["msgfmt", "-o", str(gnu), str(po)], check=True)
    unformat = ["msgunfmt", "--sort-output", "--no-wrap"]
    ours_po = subprocess.run([*unformat, str(ours)], check=True, capture_output=True, text=True).stdout
    gnu_po = subprocess.run([*unformat, str(gnu)], check=True, capture_output=True, text=True).stdout
    # Every entry alike; the header differs only in what Babel regenerates (field order, Generated-By).
    body = lambda text: text[text.index("\n\n"):]  # noqa: E731
    assert body(ours_po) == body(gnu_po) and "msgctxt" in ours_po


def test_a_plural_with_every_form_empty_is_left_out():
    # write_mo writes the English msgids as its translation: Japanese would show "One partner." for 3
    catalog = Catalog(locale="ja")
    catalog.add(("One partner.", "%(count)s partners."), ("",))
    assert translations(mo_bytes(catalog)).ngettext("One partner.", "%(count)s partners.", 3) == \
        "%(count)s partners."


def test_mo_bytes_time_is_linear():
    catalogs = {}
    for count in (5_000, 40_000):  # built once: Babel's Catalog.add is the slow part here
        catalogs[count] = Catalog(locale="ja")
        for n in range(count):
            catalogs[count][f"Message number {n} with some words"] = Message(f"Message number {n} with some words",
                                                                            f"メッセージ {n} の訳")

    def seconds(count: int) -> float:
        start = time.perf_counter()
        mo_bytes(catalogs[count])
        return time.perf_counter() - start

    small, large = min(seconds(5_000) for _ in range(3)), min(seconds(40_000) for _ in range(3))
    assert large / small < 20  # 8x the entries: 8x the time when linear, 64x when quadratic


# compile_catalog -----------------------------------------------------------------------------------------

def test_compile_writes_mo(tmp_path):
    po = write_po(tmp_path / "messages.po", 'msgid "Hello"\nmsgstr "こんにちは"\n')
    catalog = compile_catalog(po, tmp_path / "messages.mo")
    assert catalog.locale_identifier == "ja"
    assert translations((tmp_path / "messages.mo").read_bytes()).gettext("Hello") == "こんにちは"


def test_compile_does_not_skip_a_fuzzy_header(tmp_path):
    po = write_po(tmp_path / "messages.po", 'msgid "Hello"\nmsgstr "こんにちは"\n',
                  header="#, fuzzy\n" + HEADER)
    catalog = compile_catalog(po, tmp_path / "messages.mo")
    assert catalog.fuzzy
    assert translations((tmp_path / "messages.mo").read_bytes()).gettext("Hello") == "こんにちは"


@pytest.mark.parametrize("body, code", [
    ('msgid "Hello"\nmsgstr "broken\n', "syntax-error"),
    ('#, python-format\nmsgid "%(count)d partners"\nmsgstr "%(num)d 校"\n', "placeholder-mismatch"),
    ('msgid "Apply"\nmsgstr "<script>alert(1)</script>申請"\n', "unsafe-markup"),
])
def test_compile_refuses_bad_catalog_and_keeps_old_mo(tmp_path, body, code):
    mo = tmp_path / "messages.mo"
    mo.write_bytes(b"previous good mo")
    os.utime(mo, ns=(1_000_000_000, 1_000_000_000))
    po = write_po(tmp_path / "messages.po", body)
    with pytest.raises(CatalogError) as excinfo:
        compile_catalog(po, mo)
    assert code in {f.code for f in excinfo.value.findings}
    assert all(f.path == str(po) and f.line > 0 for f in excinfo.value.findings)
    assert mo.read_bytes() == b"previous good mo"
    assert mo.stat().st_mtime_ns == 1_000_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messages.mo", "messages.po"]


def test_compile_ignores_errors_in_fuzzy_entries(tmp_path):
    """A fuzzy entry never reaches the .mo, so its half-done placeholders cannot break a page."""
    po = write_po(tmp_path / "messages.po",
                  '#, fuzzy, python-format\nmsgid "%(count)d partners"\nmsgstr "%(num)d 校"\n')
    compile_catalog(po, tmp_path / "messages.mo")
    assert (tmp_path / "messages.mo").exists()


def test_compile_accepts_a_working_plural_rule_the_references_disagree_with_and_refuses_a_broken_one(tmp_path):
    """nplurals=2 for Japanese works at run time (msgfmt accepts it): a warning; a rule giving a form
    >= nplurals does not."""
    entry = 'msgid "%(n)d partner"\nmsgid_plural "%(n)d partners"\nmsgstr[0] "%(n)d 校"\nmsgstr[1] "%(n)d 校"\n'
    po = write_po(tmp_path / "messages.po", entry, header=HEADER.replace("nplurals=1; plural=0;", "nplurals=2; plural=(n != 1);"))
    compile_catalog(po, tmp_path / "messages.mo")
    assert (tmp_path / "messages.mo").exists()
    po = write_po(tmp_path / "broken.po", entry, header=HEADER.replace("nplurals=1; plural=0;", "nplurals=2; plural=n;"))
    with pytest.raises(CatalogError) as excinfo:
        compile_catalog(po, tmp_path / "broken.mo")
    assert "plural-forms" in {f.code for f in excinfo.value.findings}
    assert not (tmp_path / "broken.mo").exists()


@pytest.mark.parametrize("charset", ["CHARSET", "base64"])
def test_compile_refuses_unusable_charset_with_a_header_finding(tmp_path, charset):
    """write_mo would raise LookupError encoding to such a charset: the header check refuses it first."""
    po = write_po(tmp_path / "messages.po", 'msgid "a"\nmsgstr "あ"\n', header=HEADER.replace("UTF-8", charset))
    mo = tmp_path / "messages.mo"
    with pytest.raises(CatalogError) as excinfo:
        compile_catalog(po, mo)
    assert [(f.code, f.message) for f in excinfo.value.findings] == [("header", f"unknown charset {charset!r}")]
    assert not mo.exists()
