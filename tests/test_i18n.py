import pytest

from tests.conftest import BASE_URL


@pytest.mark.parametrize(("headers", "expected"), [
    ({"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8"}, "ja"),
    ({"Accept-Language": "en-GB,en;q=0.9"}, "en"),
    ({"Accept-Language": "fr-FR,ja;q=0.5,en;q=0.4"}, "ja"),
    ({"Accept-Language": "de"}, "en"),
    ({}, "en"),
])
def test_root_redirects_by_accept_language(client, headers, expected):
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE_URL}/{expected}/"
    assert response.headers["Vary"] == "Accept-Language, Cookie"


def test_an_earlier_choice_beats_accept_language(client):
    client.set_cookie("site_locale", "en")
    response = client.get("/", headers={"Accept-Language": "ja"})
    assert response.headers["Location"] == f"{BASE_URL}/en/"


def test_a_forged_cookie_value_is_ignored(client):
    client.set_cookie("site_locale", "../../etc")
    response = client.get("/", headers={"Accept-Language": "ja"})
    assert response.headers["Location"] == f"{BASE_URL}/ja/"


@pytest.mark.parametrize("path", ["/message/", "/office/", "/vision-2030/", "/engagement/"])
def test_known_pages_without_a_prefix_redirect_to_the_visitors_language(client, path):
    response = client.get(path, headers={"Accept-Language": "ja"})
    assert response.headers["Location"] == f"{BASE_URL}/ja{path}"


def test_switching_language_remembers_the_choice(client):
    response = client.get("/language/ja?next=/ja/office/")
    assert response.status_code == 303
    assert response.headers["Location"] == f"{BASE_URL}/ja/office/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("site_locale=ja;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Back at the root with an English browser, the choice wins.
    assert client.get("/", headers={"Accept-Language": "en"}).headers["Location"] == f"{BASE_URL}/ja/"


def test_switching_to_an_unknown_language_is_a_404(client):
    assert client.get("/language/xx?next=/xx/").status_code == 404


@pytest.mark.parametrize("next_value", [
    "//evil.example/", "/\\evil.example", "https://evil.example/ja/", "http:/\\evil.example",
    "%2F%2Fevil.example", "/%2F/evil.example", "/ja/..//evil.example", "/ja//evil.example/",
    "javascript:alert(1)", "/en/office/", "/ja/no-such-page/", "/ja/static/site.css", "\r\nSet-Cookie: x=1",
    "/ja/office/?next=//evil.example", "",
])
def test_switching_never_redirects_off_site(client, next_value):
    response = client.get("/language/ja", query_string={"next": next_value})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"{BASE_URL}/ja/")
    assert "evil" not in location and "\n" not in location


@pytest.mark.parametrize("next_value", ["/ja/translations/", "/static/site.css", "/ja/no-such-page/"])
def test_switching_only_returns_to_site_pages(client, next_value):
    response = client.get("/language/ja", query_string={"next": next_value})
    assert response.headers["Location"] == f"{BASE_URL}/ja/"


def test_absolute_urls_ignore_the_host_headers(client):
    html = client.get("/en/", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}).text
    assert "evil.example" not in html
    response = client.get("/", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert response.headers["Location"].startswith(BASE_URL)


@pytest.mark.parametrize("path", ["/message", "/ja/office", "/ja"])
def test_trailing_slash_redirects_stay_on_the_configured_site(client, path):
    response = client.get(path, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 308
    assert response.headers["Location"] == f"{BASE_URL}{path}/"


@pytest.mark.parametrize("headers", [
    {"Accept-Language": "x" * 100_000},
    {"Accept-Language": ",;q=,;;q=abc,ja;q=-1,en;q=2,*"},
    {"Accept-Language": "\x00\x01ja"},
    {"Accept-Language": "ja;q=0.5," * 5000},
    {"Cookie": "site_locale=" + "a" * 5000},
    {"Cookie": "site_locale=\"\\x00\""},
])
def test_hostile_headers_get_a_normal_answer(client, headers):
    for path in ("/", "/ja/", "/no-such-page", "/language/en"):
        assert client.get(path, headers=headers).status_code in {200, 302, 303, 308, 404}


@pytest.mark.parametrize("path", [
    "/" + "a" * 10_000, "/ja/" + "%00", "/ja/%ff%fe/", "/%E6%97%A5%E6%9C%AC/", "/ja/message/?x=" + "y" * 10_000,
    "/ja/../../etc/passwd", "/static/../app/config.py", "/ja/<script>alert(1)</script>/",
])
def test_hostile_paths_get_a_normal_answer(client, path):
    response = client.get(path)
    assert response.status_code in {200, 301, 302, 308, 404}
    assert "<script>alert" not in response.text
