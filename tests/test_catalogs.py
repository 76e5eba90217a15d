"""The catalog registry against the running app: live edits, broken files, hostile translations."""
import logging
import time
import os

import pytest

from babel.messages.mofile import read_mo

from tests.helpers import visible_text

OFFICE_JA = "国際戦略室は、本学が開学以来大切に育んできた"


def edit(po, old: str, new: str) -> None:
    text = po.read_text(encoding="utf-8")
    assert old in text
    po.write_text(text.replace(old, new), encoding="utf-8")
    # Same-second saves must still be seen: move mtime on explicitly as an editor's save would.
    stat = po.stat()
    os.utime(po, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_a_saved_po_edit_shows_on_the_next_request(live_app, ja_po):
    client = live_app.test_client()
    assert OFFICE_JA in visible_text(client.get("/ja/office/").text)
    edit(ja_po, "国際戦略室は、本学が", "【改訂】国際戦略室は、本学が")
    assert "【改訂】国際戦略室は" in visible_text(client.get("/ja/office/").text)


def test_loading_a_catalog_writes_its_mo_so_it_is_never_stale(live_app, ja_po):
    live_app.test_client().get("/ja/")
    edit(ja_po, '"本文へスキップ"', '"本文へ移動"')
    live_app.test_client().get("/ja/")
    live_app.extensions["catalogs"].settle("ja")  # written after the version is served, by the loader thread
    with open(ja_po.with_suffix(".mo"), "rb") as mo:
        catalog = read_mo(mo)
    assert catalog.get("Skip to main content").string == "本文へ移動"


def test_a_broken_catalog_keeps_the_last_good_one_serving(live_app, ja_po, caplog):
    client = live_app.test_client()
    assert OFFICE_JA in visible_text(client.get("/ja/office/").text)
    edit(ja_po, 'msgstr "本文へスキップ"', 'msgstr "本文へスキップ')  # unterminated string
    with caplog.at_level(logging.ERROR):
        response = client.get("/ja/office/")
    assert response.status_code == 200
    assert OFFICE_JA in visible_text(response.text)
    state = live_app.extensions["catalogs"].state("ja")
    assert state.error and "messages.po" in state.error
    assert any("still serving the last good one" in r.getMessage() for r in caplog.records)


def test_a_catalog_broken_before_start_serves_english_not_a_500(live_app, ja_po):
    ja_po.write_bytes(b"\xff\xfe garbage \x00 msgid")
    response = live_app.test_client().get("/ja/office/")
    assert response.status_code == 200
    assert "Why the office was established" in response.text


def test_a_fixed_catalog_is_picked_up_again(live_app, ja_po):
    client = live_app.test_client()
    good = ja_po.read_text(encoding="utf-8")
    edit(ja_po, 'msgstr "本文へスキップ"', 'msgstr "本文へスキップ')
    client.get("/ja/")
    ja_po.write_text(good.replace("本文へスキップ", "本文へ進む"), encoding="utf-8")
    os.utime(ja_po, ns=(ja_po.stat().st_atime_ns, ja_po.stat().st_mtime_ns + 2_000_000))
    assert "本文へ進む" in client.get("/ja/").text
    assert live_app.extensions["catalogs"].state("ja").error is None


HOSTILE = {
    '"本文へスキップ"': '"<script>alert(1)</script>本文へスキップ"',
    'msgstr "<em>「東北大学ビジョン2030」</em>は、最先端の':
        'msgstr "<em onmouseover=\\"alert(1)\\">「東北大学ビジョン2030」</em>は、最先端の',
    '"室長メッセージを読む"': '"<a href=\\"javascript:alert(1)\\">室長メッセージを読む</a>"',
    '"ページが見つかりません"': '"<img src=x onerror=alert(1)>ページが見つかりません"',
}


def test_hostile_translations_are_refused_and_english_shown(live_app, ja_po):
    for old, new in HOSTILE.items():
        edit(ja_po, old, new)
    client = live_app.test_client()
    for path in ("/ja/", "/ja/vision-2030/", "/ja/office/", "/ja/nowhere"):
        html = client.get(path).text
        assert "alert(1)" not in html and "javascript:" not in html and "onerror" not in html
    assert "Skip to main content" in client.get("/ja/").text
    assert "Read the Director’s message" in client.get("/ja/office/").text
    refused = live_app.extensions["catalogs"].state("ja").refused
    assert len(refused) == 4


def test_translations_with_the_msgids_own_markup_are_kept(client):
    assert "<em>「東北大学ビジョン2030」</em>は、最先端の" in client.get("/ja/vision-2030/").text


@pytest.mark.parametrize(("old", "new"), [
    ('"本文へスキップ"', '"本文へスキップ（100%）"'),  # a stray % breaks Jinja's newstyle gettext formatting
    ('"本文へスキップ"', '"%(name)s 本文へスキップ"'),  # a placeholder the msgid does not have
])
def test_translations_that_would_break_formatting_are_refused(live_app, ja_po, old, new):
    edit(ja_po, old, new)
    client = live_app.test_client()
    for path in ("/ja/", "/ja/office/", "/ja/nowhere"):
        response = client.get(path)
        assert response.status_code in (200, 404)
        assert "Skip to main content" in response.text
    assert OFFICE_JA in visible_text(client.get("/ja/office/").text)
    assert len(live_app.extensions["catalogs"].state("ja").refused) == 1


@pytest.mark.parametrize(("old", "new"), [
    ("nplurals=1; plural=0;", "nplurals=1; plural=foo(;"),
    ("charset=utf-8", "charset=CHARSET"),
])
def test_a_catalog_with_an_unusable_header_keeps_the_last_good_one(live_app, ja_po, old, new):
    client = live_app.test_client()
    assert OFFICE_JA in visible_text(client.get("/ja/office/").text)
    edit(ja_po, old, new)
    for _ in range(2):  # the error is remembered, not raised again or forgotten
        response = client.get("/ja/office/")
        assert response.status_code == 200
        assert OFFICE_JA in visible_text(response.text)
    assert live_app.extensions["catalogs"].state("ja").error


def test_a_deleted_catalog_keeps_the_last_good_one(live_app, ja_po):
    client = live_app.test_client()
    assert OFFICE_JA in visible_text(client.get("/ja/office/").text)
    ja_po.unlink()
    assert OFFICE_JA in visible_text(client.get("/ja/office/").text)
    assert "missing" in live_app.extensions["catalogs"].state("ja").error


def test_a_300k_entry_catalog_reloads_while_the_last_good_one_keeps_serving(live_app, ja_po):
    """A reload that takes many seconds never holds a request past the registry's bound (issue 8: such a
    catalog made every gunicorn worker time out on reload); the new catalog goes live when it is ready."""
    client = live_app.test_client()
    registry = live_app.extensions["catalogs"]
    assert OFFICE_JA in visible_text(client.get("/ja/office/").text)
    text = ja_po.read_text(encoding="utf-8").replace("国際戦略室は、本学が", "【大】国際戦略室は、本学が")
    bulk = "".join(f'\nmsgid "Bulk entry number {n}"\nmsgstr "一括エントリ {n}"\n' for n in range(300_000))
    ja_po.write_text(text + bulk, encoding="utf-8")

    def timed_get() -> tuple[float, str]:
        start = time.monotonic()
        response = client.get("/ja/office/")
        assert response.status_code == 200
        return time.monotonic() - start, visible_text(response.text)

    seconds, page = timed_get()  # notices the change, starts the load, waits at most load_wait
    assert seconds < registry.load_wait + 2 and OFFICE_JA in page and "【大】" not in page
    seconds, page = timed_get()  # meanwhile: the last good catalog, at once
    assert seconds < 2 and "【大】" not in page
    deadline = time.monotonic() + 300
    while "【大】" not in page:
        assert time.monotonic() < deadline, "the 300k-entry catalog never went live"
        time.sleep(0.5)
        seconds, page = timed_get()
        assert seconds < 2
    assert registry.state("ja").error is None
    assert registry.translations("ja").gettext("Bulk entry number 299999") == "一括エントリ 299999"


# --- a save is taken as a change of one entry, with exactly the result of reading the whole file -------------

def _served(registry, locale="ja") -> tuple:
    state = registry.state(locale)
    return state.translations._catalog, state.refused, state.error


def _registry(translations_dir):
    from app.catalogs import CatalogRegistry
    return CatalogRegistry(translations_dir, ["ja"], write_mo=False)


def _save(po, tmp_path, strings, fuzzy=False):
    from app.editor.store import Author, CatalogStore
    from app.tooling.entry import EntryKey

    CatalogStore(po, "ja", tmp_path / "db.sqlite3", git_commits=False).save(
        EntryKey(None, "Skip to main content"), strings, ("本文へスキップ",), Author("a"), fuzzy=fuzzy)


@pytest.mark.parametrize("change", [
    lambda po, tmp_path: _save(po, tmp_path, ("本文へ移動",)),
    lambda po, tmp_path: _save(po, tmp_path, ("本文へ移動",), fuzzy=True),  # out of the table, lines move
    # A text editor's change the site refuses: blanked, and listed with its line.
    lambda po, tmp_path: edit(po, 'msgstr "本文へスキップ"', 'msgstr "<script>x</script>本文へ"'),
])
def test_a_saved_entry_is_taken_without_reading_the_whole_catalog(translations_copy, ja_po, monkeypatch,
                                                                   tmp_path, change):
    from app import catalogs

    live = _registry(translations_copy)
    live.state("ja")
    change(ja_po, tmp_path)
    whole_reads = []
    parse_po = catalogs.parse_po
    monkeypatch.setattr(catalogs, "parse_po", lambda *args: whole_reads.append(args) or parse_po(*args))
    incremental = _served(live)
    assert whole_reads == []
    monkeypatch.undo()
    assert incremental == _served(_registry(translations_copy))
    assert "本文へスキップ" not in incremental[0].values()


def test_a_broken_change_keeps_the_last_good_catalog_serving(translations_copy, ja_po):
    live = _registry(translations_copy)
    before = dict(_served(live)[0])
    edit(ja_po, 'msgstr "本文へスキップ"', 'msgstr "本文へスキップ')
    table, _, error = _served(live)
    assert error and table == before
    edit(ja_po, 'msgstr "本文へスキップ', 'msgstr "本文へ移動"')
    assert _served(live) == _served(_registry(translations_copy))
    assert _served(live)[0]["Skip to main content"] == "本文へ移動"


def test_each_version_s_mo_is_written_once_whichever_worker_loads_it_first(translations_copy, ja_po):
    from app.catalogs import CatalogRegistry
    mo = ja_po.with_suffix(".mo")

    def worker_loads():
        registry = CatalogRegistry(translations_copy, ["ja"])
        registry.state("ja")
        registry.settle("ja")
    worker_loads()
    written = mo.stat()
    worker_loads()  # another worker, the same version
    assert mo.stat().st_ino == written.st_ino
    edit(ja_po, '"本文へスキップ"', '"本文へ移動"')
    worker_loads()
    with open(mo, "rb") as file:
        assert read_mo(file).get("Skip to main content").string == "本文へ移動"


def test_a_request_does_not_wait_for_the_mo_and_a_version_replaced_meanwhile_gets_none(translations_copy, ja_po,
                                                                                       monkeypatch):
    """Compiling a 20,000-entry .mo takes ~0.2 s: the request that noticed the change is answered as soon as
    the new version is served, and only the newest version's .mo is written."""
    from app import catalogs
    from app.catalogs import CatalogRegistry
    written = []
    real = catalogs._write_mo
    monkeypatch.setattr(catalogs, "_write_mo", lambda po_path, data, compile_mo: (
        written.append(data), real(po_path, data, compile_mo)))
    registry = CatalogRegistry(translations_copy, ["ja"])
    with registry._mo_lock:  # as if another .mo were being written all along
        assert registry.translations("ja").gettext("Skip to main content") == "本文へスキップ"
        edit(ja_po, '"本文へスキップ"', '"本文へ移動"')
        assert registry.translations("ja").gettext("Skip to main content") == "本文へ移動"
        assert written == []
    registry.settle("ja")
    assert written and set(written) == {ja_po.read_bytes()}
    with open(ja_po.with_suffix(".mo"), "rb") as file:
        assert read_mo(file).get("Skip to main content").string == "本文へ移動"


def test_the_versions_served_within_the_delay_get_one_mo_the_newest(translations_copy, ja_po, monkeypatch):
    from app import catalogs
    from app.catalogs import CatalogRegistry
    written = []
    real = catalogs._write_mo
    monkeypatch.setattr(catalogs, "_write_mo", lambda po_path, data, compile_mo: (
        written.append(data), real(po_path, data, compile_mo)))
    registry = CatalogRegistry(translations_copy, ["ja"], mo_delay=1.0)
    registry.state("ja")
    for old, new in (("本文へスキップ", "本文へ移動"), ("本文へ移動", "本文へ"), ("本文へ", "本文")):
        edit(ja_po, f'"{old}"', f'"{new}"')
        assert registry.translations("ja").gettext("Skip to main content") == new
    registry.settle("ja")
    assert written == [ja_po.read_bytes()]
    with open(ja_po.with_suffix(".mo"), "rb") as file:
        assert read_mo(file).get("Skip to main content").string == "本文"


def test_a_flag_line_ending_an_entry_makes_the_next_entry_fuzzy_on_the_site(translations_copy, ja_po):
    """In PO a comment belongs to the entry after it: read as a change of the entry above, the next entry
    was still served."""
    from app.catalogs import CatalogRegistry
    registry = CatalogRegistry(translations_copy, ["ja"])
    assert registry.translations("ja").gettext("Skip to main content") == "本文へスキップ"
    text = ja_po.read_text(encoding="utf-8")
    before = text.index('msgid "Skip to main content"')
    entry_above_ends = text.rindex("\n\n", 0, before)
    ja_po.write_text(text[:entry_above_ends] + "\n#, fuzzy" + text[entry_above_ends:], encoding="utf-8")
    assert registry.translations("ja").gettext("Skip to main content") == "Skip to main content"


def test_invalid_utf8_in_one_changed_entry_keeps_the_last_good_catalog(translations_copy, ja_po):
    live = _registry(translations_copy)
    before = _served(live)[0]
    data = ja_po.read_bytes()
    ja_po.write_bytes(data.replace('msgstr "本文へスキップ"'.encode(), b'msgstr "\xff\xfe"'))  # header unchanged
    table, _, error = _served(live)
    assert table == before and "\ufffd" not in "".join(v for v in table.values() if isinstance(v, str))
    assert error and "UTF-8" in error.upper()


@pytest.mark.parametrize("kind", ["fifo", "symlink"])
def test_a_fifo_or_symlink_where_the_mo_source_goes_is_neither_read_nor_followed(translations_copy, ja_po, tmp_path,
                                                                                 kind):
    from app.catalogs import CatalogRegistry
    mo, source = ja_po.with_suffix(".mo"), ja_po.with_suffix(".mo.source")
    mo.write_bytes(b"an old .mo")
    target = tmp_path / "elsewhere.txt"
    target.write_text("not ours")
    source.unlink(missing_ok=True)
    os.mkfifo(source) if kind == "fifo" else source.symlink_to(target)
    registry = CatalogRegistry(translations_copy, ["ja"])
    registry.state("ja")
    registry.settle("ja", timeout=10)
    assert not registry._mo_writers["ja"].is_alive()  # (reading a FIFO would block it for ever)
    assert source.is_file() and not source.is_symlink() and target.read_text() == "not ours"
    with open(mo, "rb") as file:
        assert read_mo(file).get("Skip to main content").string == "本文へスキップ"
