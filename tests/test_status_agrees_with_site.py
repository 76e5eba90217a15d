"""Every entry's state on the status page is what the live site serves, for a Germanic (de, 2 forms), a
one-form (ja) and a three-form (ru) plural rule: "translated" exactly where the site shows the translation,
"refused" exactly where the registry refused it.

The bug this guards: the status page judged plural entries with the Germanic rule whatever the catalog
said, so with Russian's rule an msgstr[0] without %(num)d (used for 1, 21, 31...: it must say the number)
was refused by the site and listed as "translated".
"""
from __future__ import annotations

import re

import pytest

from app import create_app
from app.tooling.pofile import messages, read_catalog
from tests.conftest import BASE_URL

PLURAL_FORMS = {
    "de": "nplurals=2; plural=(n != 1);",
    "ja": "nplurals=1; plural=0;",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}


def _plural(msgid: str, msgid_plural: str, forms: list[str], flags: str = "") -> str:
    lines = [f"#, {flags}"] if flags else []
    lines += ['msgctxt "agreement"', f'msgid "{msgid}"', f'msgid_plural "{msgid_plural}"']
    lines += [f'msgstr[{index}] "{form}"' for index, form in enumerate(forms)]
    return "\n".join(lines)


def _singular(msgid: str, msgstr: str, flags: str = "") -> str:
    lines = [f"#, {flags}"] if flags else []
    return "\n".join([*lines, 'msgctxt "agreement"', f'msgid "{msgid}"', f'msgstr "{msgstr}"'])


def catalog(locale: str) -> str:
    nplurals = int(PLURAL_FORMS[locale][len("nplurals=")])
    others = [f"%(num)d pages ({locale})"] * (nplurals - 1)
    entries = [
        # Form 0 without the number: fine where it is used for 1 alone (de), refused elsewhere (ja, ru).
        _plural("%(num)d page", "%(num)d pages", ["one page", *others]),
        _plural("%(num)d file", "%(num)d files", [f"%(num)d files ({locale})"] * nplurals),
        _plural("%(num)d day", "%(num)d days", ["", *others]),
        _plural("%(num)d hour", "%(num)d hours", [f"%(num)d hour ({locale})", *[""] * (nplurals - 1)]),
        _plural("%(num)d year", "%(num)d years", ["%(num)d years"] * nplurals, flags="fuzzy"),
        _plural("%(num)d week", "%(num)d weeks", [f"%(num)d weeks ({locale})", *["%(count)d weeks"] * (nplurals - 1)]),
        _singular("Language", f"Language ({locale})"),
        _singular("Home", "<script>x</script>"),
        _singular("About", "Über", flags="fuzzy"),
        _singular("Contact", ""),
        _singular("Done: %(n)s", "Fertig: %(m)s"),
    ]
    header = "\n".join(['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
                        f'"Language: {locale}\\n"', f'"Plural-Forms: {PLURAL_FORMS[locale]}\\n"'])
    return "\n\n".join([header, *entries]) + "\n"


@pytest.fixture
def app(translations_copy):
    for locale in PLURAL_FORMS:
        po = translations_copy / locale / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        po.write_text(catalog(locale), encoding="utf-8")
    return create_app({"TESTING": True, "BASE_URL": BASE_URL, "TRANSLATIONS_DIR": translations_copy,
                       "TRANSLATION_STATUS_ENABLED": True, "TRANSLATION_STATUS_SIGN_IN": False})


def listed_states(html: str, locale: str) -> dict[int, str]:
    """Line of each entry → its state, as the status page lists `locale`'s strings."""
    section = re.search(rf'<section class="tr-locale"[^>]*data-locale="{locale}">(.*?)</section>', html, re.S)
    return {int(line): state for state, line in
            re.findall(r'<li data-state="(\w+)" data-line="(\d+)">', section.group(1))}


def shown_by_site(translations, message) -> list[bool]:
    """For each count 0..39 (one for a singular entry): the live site shows the translation, not English."""
    if isinstance(message.id, tuple):
        singular, plural = message.id
        return [translations.npgettext(message.context, singular, plural, n) != (singular if n == 1 else plural)
                for n in range(40)]
    return [translations.pgettext(message.context, message.id) != message.id]


@pytest.mark.parametrize("locale", sorted(PLURAL_FORMS))
def test_every_state_on_the_status_page_is_what_the_site_serves(app, locale):
    html = app.test_client().get("/en/translations/?state=all").text
    listed = listed_states(html, locale)
    po = app.config["TRANSLATIONS_DIR"] / locale / "LC_MESSAGES" / "messages.po"
    state = app.extensions["catalogs"].state(locale)
    refused_lines = {int(reason.split(":", 1)[0]) for reason in state.refused}
    file_messages = list(messages(read_catalog(po)))
    assert sorted(listed) == [message.lineno for message in file_messages]  # every entry is listed
    for message in file_messages:
        shown, listed_state = shown_by_site(state.translations, message), listed[message.lineno]
        assert (listed_state == "translated") is all(shown), (locale, message.id)
        if listed_state in ("fuzzy", "refused"):
            assert not any(shown), (locale, message.id)
        assert (listed_state == "refused") is (message.lineno in refused_lines), (locale, message.id)


def test_the_three_catalogs_cover_every_state_and_the_plural_rule_decides():
    """The fixture is not vacuous: each state occurs, and the same msgstr[0] is translated or refused by
    the catalog's own plural rule."""
    from babel.messages.pofile import read_po
    import io

    from app.tooling.entry import STATES, catalog_entries

    states = {}
    for locale in PLURAL_FORMS:
        entries = catalog_entries(read_po(io.StringIO(catalog(locale))))
        states[locale] = {entry.key.msgid: entry.state for entry in entries}
        assert set(states[locale].values()) == set(STATES)
    assert [states[locale]["%(num)d page"] for locale in ("de", "ja", "ru")] == ["translated", "refused", "refused"]
