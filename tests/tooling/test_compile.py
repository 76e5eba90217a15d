"""compile.py: deterministic .mo bytes, writing only what changed, refusing catalogs with errors."""
from __future__ import annotations

import gettext
import io
import os
import random
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message

from app.config import PROJECT_ROOT

from app.tooling import compile as compile_mod
from app.tooling.compile import compile_catalog, mo_bytes, pofile_mo_bytes, write_if_changed
from app.tooling.pofile import CatalogError, read_catalog, read_po_file

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


def msgfmt(po: Path, *options: str) -> bytes | None:
    """What GNU msgfmt writes for `po` (None: it rejects the file or writes nothing)."""
    out = po.with_name(po.name + ".msgfmt.mo")
    result = subprocess.run(["msgfmt", *options, "-o", str(out), str(po)], capture_output=True,
                            env={"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    if result.returncode != 0 or not out.exists():
        return None
    data = out.read_bytes()
    out.unlink()
    return data


def ours(po: Path, **options) -> bytes:
    return pofile_mo_bytes(read_po_file(po), **options)


CORPUS = sorted((PROJECT_ROOT / "tests" / "fixtures" / "po" / "corpus").glob("*.po"))
# Every fixture msgfmt accepts (quality_ja.po has a newline mismatch msgfmt rejects).
REAL_CATALOGS = [PROJECT_ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po",
                 *sorted(path for path in (PROJECT_ROOT / "tests" / "fixtures" / "po").glob("*.po")
                         if path.name != "quality_ja.po")]


@pytest.mark.parametrize("po", REAL_CATALOGS + CORPUS, ids=lambda p: p.name)
def test_mo_bytes_are_msgfmts(po, tmp_path):
    """Byte for byte: the header as written, msgfmt's entries, order and hash table (and --no-hash)."""
    copy = tmp_path / po.name
    copy.write_bytes(po.read_bytes())
    reference = msgfmt(copy)
    assert reference is not None, "msgfmt accepts every catalog here"
    assert ours(copy) == reference
    assert ours(copy, hash_table=False) == msgfmt(copy, "--no-hash")


def test_compile_writes_msgfmts_bytes(tmp_path):
    po = tmp_path / "messages.po"
    po.write_bytes(REAL_CATALOGS[0].read_bytes())
    compile_catalog(po, tmp_path / "messages.mo")
    assert (tmp_path / "messages.mo").read_bytes() == msgfmt(po)


MSGFMT_RULES = {
    # msgfmt_frob_new_message: an entry whose msgstr[0] is empty is untranslated, whatever its later forms
    "first form empty": 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] ""\nmsgstr[1] "xs"\n',
    # ... and a later empty form is written empty, not as the English
    "later form empty": 'msgid "b"\nmsgid_plural "bs"\nmsgstr[0] "y"\nmsgstr[1] ""\n',
    "fuzzy and untranslated": '#, fuzzy\nmsgid "c"\nmsgstr "z"\n\nmsgid "d"\nmsgstr ""\n\nmsgid "e"\nmsgstr "w"\n',
    "contexts sort with the key": 'msgctxt "b"\nmsgid "a"\nmsgstr "1"\n\nmsgid "a"\nmsgstr "2"\n\n'
                                  'msgctxt ""\nmsgid "a"\nmsgstr "3"\n\nmsgctxt "z"\nmsgid ""\nmsgstr "4"\n',
    "obsolete": 'msgid "f"\nmsgstr "v"\n\n#~ msgid "g"\n#~ msgstr "u"\n',
}
PLURAL_HEADER = HEADER.replace("nplurals=1; plural=0;", "nplurals=2; plural=(n != 1);")


@pytest.mark.parametrize("body", MSGFMT_RULES.values(), ids=MSGFMT_RULES.keys())
def test_msgfmts_rules_for_entries(body, tmp_path):
    po = write_po(tmp_path / "messages.po", body, header=PLURAL_HEADER)
    assert ours(po) == msgfmt(po)


@pytest.mark.parametrize("header", [
    "#, fuzzy\n" + HEADER,  # a fuzzy header is kept
    'msgid ""\nmsgstr ""\n"POT-Creation-Date: 2024-01-01 00:00+0000\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n\n',
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"POT-Creation-Date: x"\n\n',  # last, no newline
    'msgid ""\nmsgstr ""\n"X-Generator: Poedit 3.4\\n"\n"Content-Type: text/plain; charset=ShiFT_jis\\n"\n\n',
    'msgid ""\nmsgstr ""\n\n',  # an empty header is untranslated: left out
    "",  # no header at all
], ids=["fuzzy", "pot-creation-date", "pot-creation-date-last", "as-written", "empty", "none"])
def test_the_header_is_the_po_files(header, tmp_path):
    po = tmp_path / "messages.po"
    po.write_bytes((header + 'msgid "Hello"\nmsgstr "Hallo"\n').encode("ascii"))
    reference = msgfmt(po)
    assert reference is not None and ours(po) == reference


SYSDEP = """\
#, c-format
msgid "%<PRIu64> bytes of %s"
msgstr "%2$s: %1$<PRIu64> Bytes"

#, c-format
msgctxt "size"
msgid "%d file"
msgid_plural "%<PRId32> files and %<PRIu64> bytes"
msgstr[0] "%Id Datei"
msgstr[1] "%<PRId32> Dateien, %'<PRIu64> Bytes"

#, c-format
msgid "plain %d"
msgstr "schlicht %d"

#, c-format
msgid "invalid %<PRIq64>"
msgstr "ungültig %<PRIq64>"
"""


def test_system_dependent_strings_are_msgfmts(tmp_path):
    """c-format `%<PRIu64>` and the 'I' flag: msgfmt's revision-1 file (segments libintl fills in), byte for
    byte, --no-hash too (the hash table is then required); the site's bytes stay plain strings Python reads."""
    po = write_po(tmp_path / "messages.po", SYSDEP, header=PLURAL_HEADER.replace("Language: ja", "Language: de"))
    reference = msgfmt(po)
    assert reference is not None and struct.unpack_from("<I", reference, 4)[0] == (1 << 16) + 1  # 'I': major 1
    assert ours(po) == reference
    assert ours(po, hash_table=False) == msgfmt(po, "--no-hash")
    site = translations(mo_bytes(read_catalog(po), english_for_empty_forms=True))
    assert site.gettext("%<PRIu64> bytes of %s") == "%2$s: %1$<PRIu64> Bytes"


def test_the_file_charset_is_kept(tmp_path):
    po = tmp_path / "messages.po"
    body = 'msgid "Hello"\nmsgstr "こんにちは"\n'.encode("euc_jp")
    po.write_bytes(HEADER.replace("UTF-8", "EUC-JP").encode("ascii") + body)
    assert ours(po) == msgfmt(po) and "こんにちは".encode("euc_jp") in ours(po)


@pytest.mark.parametrize("count", [0, 1, 2, 3, 255, 256, 1000])
def test_the_hash_table_is_msgfmts(count, tmp_path):
    """Table sizes from next_prime's quirks (1 and 3) up; 256 and more go through the many-lanes hashpjw."""
    rng = random.Random(count)
    body = "".join(f'msgid "{"".join(rng.choice("abcdefghé <>%{}") for _ in range(rng.randint(1, 120)))} {n}"\n'
                   f'msgstr "訳 {n}"\n\n' for n in range(count))
    po = write_po(tmp_path / "messages.po", body)
    assert ours(po) == msgfmt(po)


def test_the_many_lanes_hashpjw_is_hashpjw():
    """The vectorized hash against the one-byte-at-a-time one (which msgfmt checks below 256 keys), on keys of
    one length (groups split at 1,024), of every length up to 600, and bytes that carry into bit 32."""
    rng = random.Random(7)
    keys = [bytes(rng.randrange(1, 256) for _ in range(40)) for _ in range(2500)]
    keys += [bytes(rng.randrange(1, 256) for _ in range(rng.randrange(601))) for _ in range(2500)]
    keys += [b"\xff" * n for n in range(1, 300)]
    assert compile_mod._hashes(keys) == [compile_mod._hashpjw(key) for key in keys]


def test_mo_bytes_have_no_clock_or_time_zone(tmp_path):
    """Two compiles, different clocks (a year apart) and time zones, of a catalog without POT-Creation-Date
    (Babel filled it with the current minute): the same bytes. Each process reports the clock it saw, so
    the fake clock is known to have worked."""
    po = write_po(tmp_path / "messages.po", 'msgid "Hello"\nmsgstr "こんにちは"\n')
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "sitecustomize.py").write_text(FAKE_CLOCK, encoding="utf-8")
    results = []
    for tz, shift in (("UTC", 0), ("Asia/Tokyo", 400 * 86400), ("America/St_Johns", -3 * 86400 + 61)):
        mo = tmp_path / f"{tz.replace('/', '_')}.mo"
        env = {**os.environ, "TZ": tz, "FAKE_SHIFT": str(shift),
               "PYTHONPATH": os.pathsep.join([str(fake), str(PROJECT_ROOT)])}
        seen = subprocess.run([sys.executable, "-c", COMPILE_AND_SHOW_CLOCK, str(po), str(mo)], env=env,
                              check=True, capture_output=True, text=True).stdout
        results.append((seen, mo.read_bytes()))
    assert len({seen for seen, _ in results}) == 3  # three different clocks were seen
    assert len({data for _, data in results}) == 1
    assert results[0][1] == msgfmt(po)


FAKE_CLOCK = """\
import datetime, os, time
_shift, _time = float(os.environ["FAKE_SHIFT"]), time.time
time.time = lambda: _time() + _shift


class _Shifted(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime.datetime.fromtimestamp(time.time(), tz)


datetime.datetime = _Shifted
"""
COMPILE_AND_SHOW_CLOCK = """\
import sys
from babel.messages.catalog import Catalog
from app.tooling.compile import compile_catalog
compile_catalog(sys.argv[1], sys.argv[2], html=False)
print(Catalog().creation_date.strftime("%Y-%m-%d %H:%M%z"))
"""


def test_the_site_shows_english_for_an_empty_form():
    catalog = Catalog(locale="de")  # two forms
    catalog.add(("One partner.", "%(count)s partners."), ("", "%(count)s Partner."))
    catalog.add(("One office.", "%(count)s offices."), ("Ein Büro.", ""))
    site = translations(mo_bytes(catalog, english_for_empty_forms=True))
    gnu = translations(mo_bytes(catalog))
    assert site.ngettext("One partner.", "%(count)s partners.", 1) == "One partner."
    assert gnu.ngettext("One partner.", "%(count)s partners.", 1) == "One partner."  # left out
    assert site.ngettext("One office.", "%(count)s offices.", 2) == "%(count)s offices."
    assert gnu.ngettext("One office.", "%(count)s offices.", 2) == ""  # what libintl serves too


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
