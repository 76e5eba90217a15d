import os
import re
import shutil
import time
from pathlib import Path

import pytest

from app import create_app
from app.config import PROJECT_ROOT
from tests.conftest import BASE_URL


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


# Leaks: files read only as regular files inside their directory; no machine paths on pages; escaped CI output.

PASSWD = Path("/etc/passwd")
SECRET = "root:x:0:0"


def project_app(translations: Path, **config):
    return create_app({"TESTING": True, "BASE_URL": BASE_URL, "TRANSLATIONS_DIR": translations,
                       "TRANSLATION_STATUS_ENABLED": True, "TRANSLATION_STATUS_SIGN_IN": False, "WRITE_MO_FILES": False, **config})


def check_cli(app, *args):
    return app.test_cli_runner().invoke(args=["i18n", "check", *args])


def test_the_308_redirect_body_is_built_from_the_base_url_like_its_location(client):
    response = client.get("/ja/office", headers={"Host": "evil.example"})
    assert response.status_code == 308
    assert response.headers["Location"] == f"{BASE_URL}/ja/office/"
    body = response.get_data(as_text=True)
    assert "evil.example" not in body and f'href="{BASE_URL}/ja/office/"' in body
    assert int(response.headers["Content-Length"]) == len(response.data)


@pytest.mark.skipif(not PASSWD.is_file(), reason="needs /etc/passwd to point a symlink at")
def test_a_catalog_symlinked_out_of_the_project_is_refused_not_shown(translations_copy, ja_po):
    ja_po.unlink()
    ja_po.symlink_to(PASSWD)
    app = project_app(translations_copy)
    result = check_cli(app)
    assert result.exit_code == 2
    assert SECRET not in result.output
    assert re.search(r"ja/LC_MESSAGES/messages\.po: unreadable: is a symlink to a file outside translations/", result.output)
    for command, code in (("compile", 1), ("update", 2)):
        other = app.test_cli_runner().invoke(args=["i18n", command])
        assert other.exit_code == code and SECRET not in other.output and "symlink" in other.output, command
    github = check_cli(app, "--format", "github").output
    assert SECRET not in github and "::error file=" in github
    status = app.test_client().get("/ja/translations/").get_data(as_text=True)
    assert SECRET not in status and "symlink to a file outside" in status
    page = app.test_client().get("/ja/")  # the site serves English, never the file
    assert page.status_code == 200 and SECRET not in page.get_data(as_text=True)


@pytest.mark.skipif(not PASSWD.is_file(), reason="needs /etc/passwd to point a symlink at")
def test_a_glossary_symlinked_out_of_the_project_is_refused_not_shown(translations_copy):
    glossary = translations_copy / "glossary.csv"
    glossary.unlink(missing_ok=True)
    glossary.symlink_to(PASSWD)
    app = project_app(translations_copy)
    result = check_cli(app)
    assert result.exit_code == 2 and SECRET not in result.output and "glossary.csv" in result.output
    status = app.test_client().get("/ja/translations/").get_data(as_text=True)
    assert SECRET not in status and "symlink to a file outside" in status


@pytest.mark.skipif(not PASSWD.is_file(), reason="needs /etc/passwd to point a symlink at")
def test_a_template_symlinked_out_of_the_templates_is_not_read(translations_copy, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    (templates / "leak.html").symlink_to(PASSWD)
    (templates / "office.html").unlink()
    (templates / "office.html").symlink_to(PASSWD)
    app = project_app(translations_copy, TEMPLATES_DIR=templates)
    result = check_cli(app)
    assert SECRET not in result.output and "leak.html: unreadable: is a symlink" in result.output
    app.testing = False  # a 500 page, not the exception
    page = app.test_client().get("/en/office/")
    assert page.status_code == 500 and SECRET not in page.get_data(as_text=True)
    assert app.test_client().get("/en/").status_code == 200


def test_a_fifo_catalog_is_refused_without_hanging(translations_copy, ja_po):
    ja_po.unlink()
    os.mkfifo(ja_po)
    app = project_app(translations_copy)
    started = time.monotonic()
    result = check_cli(app)
    assert result.exit_code == 2 and "is not a regular file" in result.output
    status = app.test_client().get("/ja/translations/")
    assert status.status_code == 200 and "is not a regular file" in status.get_data(as_text=True)
    assert app.test_client().get("/ja/").status_code == 200
    assert time.monotonic() - started < 10


def test_a_locale_directory_named_with_a_newline_cannot_inject_workflow_commands(translations_copy):
    evil = translations_copy / "xx\n::error file=app.py,line=1::injected" / "LC_MESSAGES"
    evil.mkdir(parents=True)
    shutil.copy(translations_copy / "ja" / "LC_MESSAGES" / "messages.po", evil / "messages.po")
    app = project_app(translations_copy)
    for output_format in ("github", "text"):
        output = check_cli(app, "--format", output_format).output
        assert not any(line.startswith("::error file=app.py") for line in output.splitlines()), output_format
    status = app.test_client().get("/ja/translations/")  # HTML: the odd name is shown, escaped, harmless
    assert status.status_code == 200 and "injected/LC_MESSAGES/messages.po" in status.get_data(as_text=True)


def test_the_status_page_shows_no_absolute_paths(translations_copy, ja_po):
    ja_po.write_text(ja_po.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")  # a load error
    app = project_app(translations_copy)
    app.test_client().get("/ja/")
    html = app.test_client().get("/ja/translations/").get_data(as_text=True)
    assert "syntax-error" in html
    for path in (str(translations_copy.parent), str(PROJECT_ROOT), str(Path.home())):
        assert path not in html, path
