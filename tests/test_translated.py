"""The gettext functions templates call (app/i18n.py): escaped text or re-serialized markup, formatted as
Jinja's newstyle gettext formats, English marked lang="en", and `|plain` for attributes."""
from __future__ import annotations

import pytest
from flask import render_template_string
from markupsafe import Markup

from app.i18n import plain


def render(app, source: str, locale: str = "ja", **context) -> str:
    with app.test_request_context(f"/{locale}/"):
        from flask import g
        g.locale = locale
        return render_template_string(source, **context)


def test_a_translation_is_element_content_and_plain_text_in_attributes(app):
    html = render(app, """<nav aria-label="{{ pgettext('landmark', 'Language')|plain }}">{{ pgettext('landmark', 'Language') }}</nav>""")
    assert html == '<nav aria-label="言語">言語</nav>'


def test_english_is_marked_only_in_element_content_and_only_on_other_languages_pages(app):
    source = """<p title="{{ _('No such msgid')|plain }}">{{ _('No such msgid') }}</p>"""
    assert render(app, source) == '<p title="No such msgid"><span lang="en">No such msgid</span></p>'
    assert render(app, source, locale="en") == '<p title="No such msgid">No such msgid</p>'


def test_variables_are_escaped_and_percent_signs_formatted_as_newstyle_gettext_does(app):
    html = render(app, "{% trans name=name %}Hello <em>{{ name }}</em>, 100% sure{% endtrans %}",
                  name="<script>x</script>")
    assert html == '<span lang="en">Hello <em>&lt;script&gt;x&lt;/script&gt;</em>, 100% sure</span>'
    assert render(app, "{{ ngettext('%(num)d file', '%(num)d files', 3) }}") == '<span lang="en">3 files</span>'
    assert render(app, "{{ npgettext('c', '%(num)d file', '%(num)d files', 1)|plain }}") == "1 file"


def test_the_msgids_own_markup_is_kept_and_entities_stay_entities(app):
    assert render(app, "{{ _('Tom &amp; <b>Jerry</b>') }}") == '<span lang="en">Tom &amp; <b>Jerry</b></span>'
    assert render(app, "{{ _('Tom &amp; <b>Jerry</b>')|plain }}") == "Tom &amp; Jerry"


def test_plain_refuses_other_html_loudly():
    assert plain("text") == "text"
    with pytest.raises(TypeError):
        plain(Markup("<b>x</b>"))


def test_lazy_page_titles_are_translated_when_rendered(app):
    from app.i18n import lazy_pgettext
    title = lazy_pgettext("landmark", "Language")
    assert render(app, "{{ t }}|{{ t|plain }}", t=title) == "言語|言語"
    assert render(app, "{{ t }}|{{ t|plain }}", t=title, locale="en") == "Language|Language"
    missing = lazy_pgettext("landmark", "No such msgid")
    assert render(app, "{{ t }}|{{ t|plain }}", t=missing) == '<span lang="en">No such msgid</span>|No such msgid'
