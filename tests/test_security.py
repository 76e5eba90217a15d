import pytest

from app import create_app


@pytest.mark.parametrize("path", ["/", "/ja/", "/en/message/", "/no-such-page", "/sitemap.xml",
                                  "/language/ja?next=/ja/", "/static/site.css"])
def test_every_response_carries_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script_or_style(client):
    for path in ("/en/", "/ja/message/", "/ja/no-such-page"):
        html = client.get(path).text
        assert "<script" not in html and "style=" not in html and "<style" not in html


def test_debug_is_off_unless_asked_for():
    assert create_app().debug is False
