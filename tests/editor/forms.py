"""The editor's entry form as a browser sends it (the app with the editor on, accounts and `sign_in` are
tests/conftest.py's)."""
from __future__ import annotations

import re


def form_of(html: str) -> dict:
    """The entry form's fields as the browser would send them (textareas and hidden inputs); on a page with
    other forms too (a reviewer's decisions, comments), those of the entry form."""
    entry_form = re.search(r'<form[^>]*class="editor-form".*?</form>', html, re.S)
    html = entry_form.group(0) if entry_form else html
    fields = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)}
    fields["base"] = [unescape(v) for v in re.findall(r'name="base" value="([^"]*)"', html)]
    fields["msgstr"] = [unescape(v) for v in re.findall(r'name="msgstr"[^>]*>([^<]*)</textarea>', html)]
    return fields


def unescape(text: str) -> str:
    import html
    return html.unescape(text)
