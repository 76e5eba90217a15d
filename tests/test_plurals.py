"""One real plural string, end to end: extract, update, compile, check, the live site and the status page.

The string comes from a test template (tests/fixtures/templates/plural/partner_count.html) included in a
copy of the real office page; Japanese has one plural form, so msgstr[0] covers every count and is
compared with msgid_plural, by `check`, `compile`, the site's registry and GNU msgfmt -c alike.
"""
from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app import create_app
from app.config import PROJECT_ROOT
from tests.helpers import CATALOG_SIDE_FILES

PLURAL_TEMPLATE = PROJECT_ROOT / "tests" / "fixtures" / "templates" / "plural" / "partner_count.html"
EMPTY_FORM = 'msgid "One partner."\nmsgid_plural "%(count)s partners."\nmsgstr[0] ""\n'


@pytest.fixture
def project(tmp_path) -> Path:
    """The real site's templates and catalogs, with the plural string included in the office page."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "templates", root / "templates")
    shutil.copytree(PROJECT_ROOT / "translations", root / "translations", ignore=CATALOG_SIDE_FILES)
    shutil.copy(PROJECT_ROOT / "babel.cfg", root / "babel.cfg")
    shutil.copytree(PROJECT_ROOT / "app", root / "app", ignore=shutil.ignore_patterns("__pycache__"))  # its msgids
    shutil.copy(PLURAL_TEMPLATE, root / "templates" / PLURAL_TEMPLATE.name)
    office = root / "templates" / "office.html"
    text = office.read_text(encoding="utf-8")
    head, _, tail = text.rpartition("{% endblock %}")
    office.write_text(f'{head}{{% include "{PLURAL_TEMPLATE.name}" %}}\n{{% endblock %}}{tail}', encoding="utf-8")
    return root


def make_app(project: Path):
    return create_app({"TESTING": True, "PROJECT_ROOT": project, "TRANSLATIONS_DIR": project / "translations",
                       "TEMPLATES_DIR": project / "templates", "TRANSLATION_STATUS_ENABLED": True, "TRANSLATION_STATUS_SIGN_IN": False,
                       "PAGE_CACHE": False, "WRITE_MO_FILES": False})


def i18n(project: Path, *args):
    return make_app(project).test_cli_runner().invoke(args=["i18n", *args])


def translate(project: Path, msgstr: str) -> Path:
    po = project / "translations" / "ja" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert EMPTY_FORM in text
    po.write_text(text.replace(EMPTY_FORM, EMPTY_FORM.replace('msgstr[0] ""', f'msgstr[0] "{msgstr}"')),
                  encoding="utf-8")
    return po


def partner_count(html: str) -> str:
    return re.search(r'<p class="partner-count">(.*?)</p>', html).group(1)


@pytest.fixture
def extracted(project) -> Path:
    assert i18n(project, "extract").exit_code == 0
    pot = (project / "translations" / "messages.pot").read_text(encoding="utf-8")
    assert 'msgid "One partner."\nmsgid_plural "%(count)s partners."' in pot
    result = i18n(project, "update")
    assert result.exit_code == 0, result.output
    return project


def test_a_translated_japanese_plural_walks_through_cli_and_site(extracted):
    po = translate(extracted, "%(count)s校")
    result = i18n(extracted, "compile")
    assert result.exit_code == 0, result.output
    mo = po.with_suffix(".mo")
    compiled = gettext.GNUTranslations(mo.open("rb"))
    assert compiled.ngettext("One partner.", "%(count)s partners.", 3) == "%(count)s校"
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True).returncode == 0

    result = i18n(extracted, "check")  # regression: a plural entry crashed the stale-mo comparison
    assert "Traceback" not in result.output and "TypeError" not in result.output
    assert result.exit_code == 0, result.output

    client = make_app(extracted).test_client()
    assert partner_count(client.get("/ja/office/").get_data(as_text=True)) == "3校"
    assert partner_count(client.get("/en/office/").get_data(as_text=True)) == "3 partners."
    status = client.get("/ja/translations/")  # regression: answered 500 on a translated plural
    assert status.status_code == 200


def test_a_japanese_plural_without_the_count_is_refused_everywhere(extracted):
    po = translate(extracted, "校")
    msgfmt = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert msgfmt.returncode == 1 and "argument 'count' doesn't exist in 'msgstr[0]'" in msgfmt.stderr

    result = i18n(extracted, "check")
    assert result.exit_code == 1
    assert re.search(r"placeholder-mismatch: msgstr\[0\] lacks %\(count\)s", result.output), result.output

    result = i18n(extracted, "compile")
    assert result.exit_code == 1 and not po.with_suffix(".mo").exists()

    app = make_app(extracted)
    client = app.test_client()
    # English on a Japanese page, marked as such for screen readers
    assert partner_count(client.get("/ja/office/").get_data(as_text=True)) == '<span lang="en">3 partners.</span>'
    assert any("lacks %(count)s" in reason for reason in app.extensions["catalogs"].state("ja").refused)
    status = client.get("/ja/translations/")
    assert status.status_code == 200 and "lacks %(count)s" in status.get_data(as_text=True)
