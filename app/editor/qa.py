"""QA while typing: POST the entry form (CSRF token and all) to /<id>/qa and get, as JSON, the verdict the
save would give and the glossary terms the English uses (gate.entry_gate). static/editor.js asks it as the
translator types; nothing here is needed for the page to work without JavaScript.
"""
from __future__ import annotations

from flask import current_app, g, jsonify

from .gate import entry_gate
from .views import _current, _form_strings, bp, load


@bp.post("/<id_>/qa")
def qa(id_: str):
    loaded, row = _current(id_)
    strings = _form_strings(row, "msgstr")
    gate = entry_gate(row.ids, strings, locale=g.locale, translations_dir=current_app.config["TRANSLATIONS_DIR"],
                      strict=(loaded or load(g.locale)).strict)
    return jsonify(gate.as_json())
