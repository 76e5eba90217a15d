"""A hostile Japanese catalog, as an attacker with commit access to one .po file would write it, and a copy
of the project (templates and translations) it is installed in.

Every case targets its own entry, so one catalog carries them all: the Flask, gunicorn, check, export and
Chromium tests (tests/test_hostile.py, tests/browser/test_hostile_browser.py) each use it once. The project
templates have no link inside a msgid, so the copy's home page gets a few (`LINKS`), with their entries.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Message

from app.config import PROJECT_ROOT
from tests.helpers import CATALOG_SIDE_FILES
from app.tooling.markup import plain_text
from app.tooling.pofile import po_bytes, read_po_file

HOME_LEAD = ("Tohoku University formulated its International Strategy to clarify guidelines and action plans "
             "for further internationalization, in order to realize Priority Strategy 17 of "
             "<em>Tohoku University Vision 2030</em>.")
PARAGRAPH_2 = ("In November 2018, our university published <em>Tohoku University Vision 2030</em>, a roadmap for its "
               "activities. In order to realize Priority Strategy 17, entitled “International Collaboration ~ "
               "Strategic Partnerships for further Excellence”, we formulated Tohoku University’s International "
               "Strategy for the purpose of clarifying guidelines and action plans for further internationalization.")
PARAGRAPH_3 = ("Although the current situation for Japanese universities is extremely severe, we must address not "
               "only local concerns but also issues facing the entire world. <em>Tohoku University Vision 2030</em> "
               "clearly shows our conviction and determination to be a global university leading cutting-edge "
               "innovation.")
SITE = "https://www.tohoku.ac.jp/en/"
LINKS = [f'Link {n}: <a href="{SITE}{n}/">page {n}</a>.' for n in range(4)]
NESTED_LINK = f'See <a href="{SITE}news/"><em>the news</em></a>.'
LINKS_LABEL = ("landmark", "Links")
REDOS = "<a" * 20_000


@dataclass(frozen=True)
class Case:
    name: str
    context: str | None
    msgid: str
    msgstr: str
    path: str  # a page that shows the entry
    attribute: str | None = None  # the attribute the entry is rendered into, or None for element content

    @property
    def english(self) -> str:
        """What a visitor must see instead: the msgid's text."""
        return plain_text(self.msgid)


CASES = [
    Case("attribute-injection", "landmark", "Language",
         '言語" onfocus="alert(document.domain)" tabindex="0" autofocus x="', "/ja/", "aria-label"),
    Case("hidden-by-attribute-breakout", "landmark", "Site", 'サイト" hidden x="', "/ja/", "aria-label"),
    Case("style-attribute", None, HOME_LEAD,
         "「東北大学ビジョン2030」の重点戦略⑰を実現するため、"
         '<em style="position:fixed;inset:0;font-size:50em">東北大学ビジョン2030</em>', "/ja/"),
    Case("hidden-and-autofocus-attributes", None, PARAGRAPH_2,
         '<em hidden autofocus tabindex="0" onfocus="alert(document.domain)">「東北大学ビジョン2030」</em>を公表しました。',
         "/ja/message/"),
    Case("duplicated-attribute", None, LINKS[0],
         f'リンク0：<a href="javascript:alert(document.domain)" href="{SITE}0/">ページ0</a>。', "/ja/"),
    Case("nbsp-between-attributes", None, LINKS[1],
         f'リンク1：<a\u00a0href="javascript:alert(document.domain)"\u00a0href="{SITE}1/">ページ1</a>。', "/ja/"),
    Case("vertical-tab-between-attributes", None, LINKS[2],
         f'リンク2：<a href="{SITE}2/"\u000bonclick="alert(document.domain)">ページ2</a>。', "/ja/"),
    Case("ideographic-space-between-attributes", None, LINKS[3],
         f'リンク3：<a\u3000onclick="alert(document.domain)"\u3000href="{SITE}3/">ページ3</a>。', "/ja/"),
    Case("unclosed-tag", None, PARAGRAPH_3,
         "状況は極めて厳しいものです。<em>「東北大学ビジョン2030」は、最先端のイノベーションを示しています。", "/ja/message/"),
    Case("reordered-tags", None, NESTED_LINK,
         f'<a href="{SITE}news/"><em>ニュース</a></em>を見る。', "/ja/"),
    Case("bidi-override-in-attribute", *LINKS_LABEL, "\u202eskniL", "/ja/", "aria-label"),
    Case("bidi-override-in-text", "site name", "Tohoku University International Strategy",
         "東北大学\u202e略戦際国", "/ja/"),
    Case("script-in-plain-text", "footer", "International Strategy Office, Tohoku University",
         "<script>alert(document.domain)</script>東北大学 国際戦略室", "/ja/"),
    Case("img-onerror-in-plain-text", None, "Skip to main content",
         '<img src="x" onerror="alert(document.domain)">本文へ移動', "/ja/"),
    Case("percent-as-character-reference", "fact label", "Established", "設立&#37;d &percnt;(x)s", "/ja/office/"),
    Case("redos", "navigation", "Home", REDOS, "/ja/"),
]


def hostile_project(root: Path) -> tuple[Path, Path]:
    """(templates, translations) under `root`: the project's, with LINKS on the home page and every case's
    msgstr in the Japanese catalog. Returns the directories for TEMPLATES_DIR and TRANSLATIONS_DIR."""
    templates, translations = root / "templates", root / "translations"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    shutil.copytree(PROJECT_ROOT / "translations", translations, ignore=CATALOG_SIDE_FILES)
    home = templates / "home.html"
    extra = "".join(f"<p>{{% trans %}}{link}{{% endtrans %}}</p>\n" for link in [*LINKS, NESTED_LINK])
    label = f"{{{{ pgettext({LINKS_LABEL[0]!r}, {LINKS_LABEL[1]!r})|plain }}}}"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "{% endblock %}", f'<section aria-label="{label}">\n{extra}</section>\n{{% endblock %}}'), encoding="utf-8")
    po = translations / "ja" / "LC_MESSAGES" / "messages.po"
    catalog = read_po_file(po).catalog
    for link in [*LINKS, NESTED_LINK]:
        catalog[link] = Message(link, link.replace("Link", "リンク").replace("page", "ページ"),
                                locations=[("templates/home.html", 20)])
    catalog[LINKS_LABEL[1]] = Message(LINKS_LABEL[1], "リンク", context=LINKS_LABEL[0],
                                      locations=[("templates/home.html", 20)])
    for case in CASES:
        message = catalog.get(case.msgid, case.context)
        assert message is not None, case.name
        message.string = case.msgstr
    po.write_bytes(po_bytes(catalog))
    return templates, translations


def msgstr_lines(po: Path) -> dict[str, int]:
    """Case name → line of its msgstr in the written catalog (where `check` must report it)."""
    pofile = read_po_file(po)
    lines = {}
    for case in CASES:
        message = pofile.catalog.get(case.msgid, case.context)
        lines[case.name] = pofile.msgstr_lines[message.lineno]
    return lines
