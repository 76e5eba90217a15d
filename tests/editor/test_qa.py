"""The QA endpoint (POST /<id>/qa): the verdict the save would give and the glossary, as JSON; CSRF and
rights as every editor form."""
from __future__ import annotations

import pytest

from app.tooling.entry import EntryKey
from tests.conftest import sign_in
from tests.editor.forms import form_of

SUMMARY = EntryKey(None, "Tohoku University formulated its International Strategy to clarify guidelines and action "
                         "plans for further internationalization, in order to realize Priority Strategy 17 of "
                         "<em>Tohoku University Vision 2030</em>.")
EDIT = f"/ja/translations/edit/{SUMMARY.id}/"
GOOD = ("東北大学は、<em>「東北大学ビジョン2030」</em>の重点戦略⑰を実現すべく、さらなる国際化への指針と行動計画を明示する"
        "「東北大学の国際戦略」を策定しました。")


@pytest.fixture
def alice(editor_app):
    client = editor_app.test_client()
    sign_in(client, "alice")
    return client


def ask(client, text: str, **changes):
    fields = form_of(client.get(EDIT).text) | {"msgstr": [text]} | changes
    return client.post(EDIT + "qa", data=fields)


def test_a_good_translation_would_be_accepted_with_its_glossary_terms_used(alice):
    result = ask(alice, GOOD).get_json()
    assert result["refusal"] is None
    assert {"source": "Priority Strategy 17", "agreed": "重点戦略⑰", "present": True} .items() <= \
        next(hit for hit in result["glossary"] if hit["source"] == "Priority Strategy 17").items()


def test_the_glossary_and_markup_refusals_are_given_live(alice):
    glossary = ask(alice, GOOD.replace("重点戦略⑰", "重点戦略17")).get_json()
    assert "重点戦略⑰" in glossary["refusal"] and "(glossary)" in glossary["refusal"]  # check's finding
    assert not next(hit for hit in glossary["glossary"] if hit["source"] == "Priority Strategy 17")["present"]
    markup = ask(alice, GOOD.replace("</em>", "</em><script>x</script>")).get_json()
    assert "script" in markup["refusal"]
    assert ask(alice, GOOD + " ").get_json()["warnings"] == ["msgstr: msgid and msgstr do not both end with whitespace"]


def test_the_endpoint_needs_the_csrf_token_and_the_rights(alice, editor_app):
    assert ask(alice, GOOD, csrf_token="forged").status_code == 400
    frank = editor_app.test_client()
    sign_in(frank, "frank")
    assert frank.post(EDIT + "qa", data={"msgstr": [GOOD]}).status_code in (400, 403)
    assert editor_app.test_client().post(EDIT + "qa", data={"msgstr": [GOOD]}).status_code in (302, 400)


def test_the_entry_page_loads_the_script_from_static_and_shows_the_shortcuts(alice):
    page = alice.get(EDIT).text
    assert '<script src="/static/editor.js" defer></script>' in page and "<script>" not in page
    assert f'data-qa="{EDIT}qa"' in page
    assert "Save and next" in page and "Use translation memory suggestion 1…9" in page
