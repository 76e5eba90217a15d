"""site_links.py: a signed-in translator's pages link to the editor and bypass the page cache; a
visitor's never do."""
from __future__ import annotations

import pytest

from tests.conftest import sign_in


@pytest.fixture
def client(editor_app):
    return editor_app.test_client()


@pytest.fixture
def alice(client):
    assert sign_in(client, "alice").status_code == 302
    return client


def test_a_signed_in_translator_gets_a_link_that_no_visitor_sees(alice, editor_app):
    assert 'data-role="translate-this-page"' in alice.get("/ja/office/").text
    assert "translate-this-page" not in editor_app.test_client().get("/ja/office/").text
    assert "translate-this-page" in alice.get("/en/office/").text  # to her locale's strings of the page
    assert "translate-this-page" not in editor_app.test_client().get("/ja/office/").text
