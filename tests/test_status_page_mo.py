"""The status page and `.mo` files: the site compiles each `.po` itself and never reads a `.mo`, so the `.mo`
it leaves beside a catalog (git ignores it) is never reported as stale, however it lags behind the `.po`."""
from __future__ import annotations

from tests.test_translators import client, edit, status_app  # noqa: F401 (fixtures)


def test_no_stale_mo_on_the_status_page_after_a_save_or_while_an_entry_is_refused(client, ja_po):
    assert client.get("/ja/").status_code == 200  # the site loads the catalog and writes messages.mo
    client.application.extensions["catalogs"].settle("ja")  # (after serving it)
    assert ja_po.with_suffix(".mo").exists()
    edit(ja_po, 'msgstr "ホーム"', 'msgstr "トップ"')
    page = client.get("/ja/translations/").get_data(as_text=True)  # check reads the files before the site
    assert "stale-mo" not in page                                   # reloads: the .mo is stale right then
    # A refused translation: the site writes a .mo without it, compile refuses the catalog.
    edit(ja_po, 'msgstr "トップ"', 'msgstr "<script>alert(1)</script>トップ"')
    assert client.get("/ja/").status_code == 200
    page = client.get("/ja/translations/").get_data(as_text=True)
    assert "unsafe-markup" in page and "stale-mo" not in page
