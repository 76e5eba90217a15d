"""workflow.py: merging the POT into catalogs (fuzzy, obsolete, no churn) and starting a new language."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from app.tooling import files
from app.tooling.extract import write_pot
from app.tooling.pofile import CatalogError, read_catalog
from app.tooling.workflow import init_catalog, po_path, update_catalogs

JA_HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ja\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

"""


def make_pot(path: Path, *msgids) -> Path:
    """A POT of `msgids`, each a string or a (msgid, msgctxt) pair."""
    catalog = Catalog()
    for number, msgid in enumerate(msgids, start=1):
        msgid, context = msgid if isinstance(msgid, tuple) else (msgid, None)
        catalog.add(msgid, locations=[("templates/page.html", number)], context=context)
    write_pot(catalog, path)
    return path


@pytest.fixture
def tdir(tmp_path) -> Path:
    path = po_path(tmp_path / "translations", "ja")
    path.parent.mkdir(parents=True)
    path.write_text(JA_HEADER + 'msgid "Our partner universities"\nmsgstr "提携大学"\n\n'
                    'msgid "Apply now"\nmsgstr "今すぐ申請"\n\n'
                    'msgid "Contact"\nmsgstr "お問い合わせ"\n', encoding="utf-8")
    return tmp_path / "translations"


def entries(path: Path):
    catalog = read_catalog(path)
    return {m.id: m for m in catalog if m.id}, {m.id: m for m in catalog.obsolete.values()}


def test_update_marks_changed_fuzzy_removed_obsolete_and_adds_new(tdir, tmp_path):
    pot = make_pot(tmp_path / "messages.pot", "Our partner universities worldwide", "Contact", "Campus map")
    [result] = update_catalogs(pot, tdir, ["ja"])
    assert result.changed
    active, obsolete = entries(result.path)
    changed = active["Our partner universities worldwide"]
    assert changed.fuzzy and changed.string == "提携大学"
    assert changed.previous_id == ["Our partner universities"]  # the English it was translated from
    assert not active["Contact"].fuzzy and active["Contact"].string == "お問い合わせ"
    assert active["Campus map"].string == "" and not active["Campus map"].fuzzy
    assert obsolete["Apply now"].string == "今すぐ申請"
    assert "Apply now" not in active
    text = result.path.read_text(encoding="utf-8")
    assert '#~ msgid "Apply now"' in text
    assert '#, fuzzy\n#| msgid "Our partner universities"\nmsgid "Our partner universities worldwide"' in text
    assert "Our partner universities\"" not in text.split("#| msgid")[0]  # the old entry is not also #~
    subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(result.path)], check=True)


def test_update_twice_leaves_the_file_untouched(tdir, tmp_path):
    pot = make_pot(tmp_path / "messages.pot", "Our partner universities worldwide", "Contact")
    [first] = update_catalogs(pot, tdir, ["ja"])
    before = first.path.read_bytes()
    os.utime(first.path, ns=(1_000_000_000, 1_000_000_000))
    [second] = update_catalogs(pot, tdir, ["ja"])
    assert second.changed is False
    assert second.path.read_bytes() == before
    assert second.path.stat().st_mtime_ns == 1_000_000_000


def test_update_keeps_translator_fuzzy_flag_and_comments(tdir, tmp_path):
    po = po_path(tdir, "ja")
    po.write_text(JA_HEADER + '# checked with the office\n#, fuzzy\nmsgid "Contact"\nmsgstr "連絡先"\n',
                  encoding="utf-8")
    pot = make_pot(tmp_path / "messages.pot", "Contact")
    update_catalogs(pot, tdir, ["ja"])
    active, _ = entries(po)
    assert active["Contact"].fuzzy
    assert active["Contact"].user_comments == ["checked with the office"]


def test_message_back_from_obsolete_keeps_its_translation_once(tdir, tmp_path):
    pot = tmp_path / "messages.pot"
    update_catalogs(make_pot(pot, "Contact"), tdir, ["ja"])
    _, obsolete = entries(po_path(tdir, "ja"))
    assert "Apply now" in obsolete
    update_catalogs(make_pot(pot, "Contact", "Apply now"), tdir, ["ja"])
    active, obsolete = entries(po_path(tdir, "ja"))
    assert active["Apply now"].string == "今すぐ申請" and "Apply now" not in obsolete
    subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(po_path(tdir, "ja"))], check=True)


def test_update_refuses_when_a_catalog_is_missing_and_writes_nothing(tdir, tmp_path):
    pot = make_pot(tmp_path / "messages.pot", "Contact")
    before = po_path(tdir, "ja").read_bytes()
    with pytest.raises(CatalogError) as excinfo:
        update_catalogs(pot, tdir, ["ja", "ko"])
    assert excinfo.value.findings[0].code == "missing-catalog"
    assert "init ko" in excinfo.value.findings[0].message
    assert po_path(tdir, "ja").read_bytes() == before


def test_update_refuses_a_broken_catalog(tdir, tmp_path):
    pot = make_pot(tmp_path / "messages.pot", "Contact")
    po_path(tdir, "ja").write_text(JA_HEADER + 'msgid "Contact"\nmsgstr "broken\n', encoding="utf-8")
    with pytest.raises(CatalogError):
        update_catalogs(pot, tdir, ["ja"])
    assert po_path(tdir, "ja").read_text(encoding="utf-8").endswith('msgstr "broken\n')


def test_interrupted_update_leaves_catalog_intact(tdir, tmp_path, monkeypatch):
    pot = make_pot(tmp_path / "messages.pot", "Contact")
    before = po_path(tdir, "ja").read_bytes()

    def crash(src, dst):
        raise OSError("no space left on device")

    monkeypatch.setattr(files.os, "replace", crash)
    with pytest.raises(OSError):
        update_catalogs(pot, tdir, ["ja"])
    assert po_path(tdir, "ja").read_bytes() == before
    assert [p.name for p in po_path(tdir, "ja").parent.iterdir()] == ["messages.po"]


def test_init_ja_has_one_plural_form(tmp_path):
    catalog = Catalog()
    catalog.add("Contact", locations=[("templates/page.html", 1)])
    catalog.add(("%(num)d partner", "%(num)d partners"), locations=[("templates/page.html", 2)],
                flags=["python-format"])
    pot = tmp_path / "messages.pot"
    write_pot(catalog, pot)
    path = init_catalog(pot, tmp_path / "translations", "ja")
    assert path == tmp_path / "translations" / "ja" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text
    assert '"Language: ja\\n"' in text
    assert "msgstr[0]" in text and "msgstr[1]" not in text
    assert not text.startswith("#, fuzzy") and "\n#, fuzzy\nmsgid \"\"" not in text
    assert "Japanese translations" in text
    result = read_catalog(path)
    assert result.num_plurals == 1 and len(result) == 2
    subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], check=True)


def test_init_fr_has_french_plural_rule(tmp_path):
    pot = make_pot(tmp_path / "messages.pot", "Contact")
    text = init_catalog(pot, tmp_path / "translations", "fr").read_text(encoding="utf-8")
    assert "nplurals=2; plural=(n > 1);" in text


def test_init_refuses_existing_catalog_and_unknown_locale(tdir, tmp_path):
    pot = make_pot(tmp_path / "messages.pot", "Contact")
    before = po_path(tdir, "ja").read_bytes()
    with pytest.raises(CatalogError) as excinfo:
        init_catalog(pot, tdir, "ja")
    assert excinfo.value.findings[0].code == "catalog-exists"
    assert po_path(tdir, "ja").read_bytes() == before
    with pytest.raises(CatalogError) as excinfo:
        init_catalog(pot, tdir, "xx_notalocale")
    assert excinfo.value.findings[0].code == "unknown-locale"
    assert not (tdir / "xx_notalocale").exists()


# --- previous English (#|) and guesses ------------------------------------------------------------------

# Over 200 characters: difflib's autojunk (Babel's matcher) would score it 0.15 against its changed self.
LONG_OLD = ("In July 2018, the International Strategy Office was established directly under the President. "
            "The decision was due to strong recognition of the need for more strategic and agile promotion "
            "of our international activities.")
LONG_NEW = LONG_OLD.replace("international activities", "international activities \"strategically\"")


def write_ja(tdir: Path, body: str) -> Path:
    path = po_path(tdir, "ja")
    path.write_text(JA_HEADER + body, encoding="utf-8")
    return path


def msgfmt_check(path: Path) -> None:
    subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], check=True)


def test_a_long_changed_string_keeps_its_old_english_readable_by_msgfmt_and_stable(tdir, tmp_path):
    po = write_ja(tdir, f'msgctxt "paragraph"\nmsgid "{LONG_OLD}"\nmsgstr "2018年7月、国際戦略室が設置されました。"\n')
    pot = make_pot(tmp_path / "messages.pot", (LONG_NEW, "paragraph"))
    [result] = update_catalogs(pot, tdir, ["ja"])
    text = po.read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgctxt "paragraph"\n#| msgid ""\n#| "In July 2018,' in text
    assert "#~" not in text  # the old entry lives on as the #| lines, not also as obsolete
    msgfmt_check(po)
    message = read_catalog(po).get(LONG_NEW, context="paragraph")
    assert message.previous_id == [LONG_OLD] and message.previous_context == "paragraph"
    assert message.fuzzy and message.string == "2018年7月、国際戦略室が設置されました。"
    # Run again: the #| lines are read back and written the same, byte for byte.
    [again] = update_catalogs(pot, tdir, ["ja"])
    assert again.changed is False and po.read_text(encoding="utf-8") == text


def test_a_guess_is_never_taken_from_another_context(tdir, tmp_path):
    """The issue's case: a new page title was offered the translation of a fact label, unexplained."""
    body = 'msgctxt "fact label"\nmsgid "Partner University Status"\nmsgstr "学内での位置づけ"\n'
    po = write_ja(tdir, body)
    pot = make_pot(tmp_path / "messages.pot", ("Partner University Status", "fact label"),
                   ("Partner Universities", "page title"))
    babel = read_catalog(po)
    babel.update(read_catalog(pot))  # what Babel alone does: a guess across contexts
    assert babel.get("Partner Universities", "page title").string == "学内での位置づけ"
    update_catalogs(pot, tdir, ["ja"])
    title = read_catalog(po).get("Partner Universities", context="page title")
    assert title.string == "" and not title.fuzzy and title.previous_id == []
    assert "#|" not in po.read_text(encoding="utf-8")


def test_a_guess_within_a_context_names_its_source(tdir, tmp_path):
    po = write_ja(tdir, 'msgctxt "page title"\nmsgid "Partner University"\nmsgstr "協定校"\n\n'
                        'msgctxt "fact label"\nmsgid "Partner Universities"\nmsgstr "学内での位置づけ"\n')
    pot = make_pot(tmp_path / "messages.pot", ("Partner Universities", "page title"),
                   ("Partner Universities", "fact label"))
    update_catalogs(pot, tdir, ["ja"])
    text = po.read_text(encoding="utf-8")
    assert ('#, fuzzy\n#| msgctxt "page title"\n#| msgid "Partner University"\n'
            'msgctxt "page title"\nmsgid "Partner Universities"\nmsgstr "協定校"') in text
    msgfmt_check(po)


def test_a_guess_from_a_guess_keeps_the_english_that_was_translated(tdir, tmp_path):
    write_ja(tdir, 'msgid "Our partner universities"\nmsgstr "提携大学"\n')
    pot = tmp_path / "messages.pot"
    update_catalogs(make_pot(pot, "Our partner universities worldwide"), tdir, ["ja"])
    update_catalogs(make_pot(pot, "Our partner universities around the world"), tdir, ["ja"])
    message = read_catalog(po_path(tdir, "ja"))["Our partner universities around the world"]
    assert message.fuzzy and message.previous_id == ["Our partner universities"]


def test_reviewing_a_fuzzy_entry_drops_its_old_english_on_the_next_update(tdir, tmp_path):
    pot = make_pot(tmp_path / "messages.pot", "Our partner universities worldwide", "Contact")
    update_catalogs(pot, tdir, ["ja"])
    po = po_path(tdir, "ja")
    po.write_text(po.read_text(encoding="utf-8").replace("#, fuzzy\n", ""), encoding="utf-8")  # reviewed
    assert "#| msgid" in po.read_text(encoding="utf-8")
    update_catalogs(pot, tdir, ["ja"])
    assert "#|" not in po.read_text(encoding="utf-8")
