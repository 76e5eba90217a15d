"""QA while typing: POST the entry form (CSRF token and all) to /<id>/qa and get, as JSON, the verdict the
save would give (gate.judge: the rules `check` runs) and the glossary terms the English uses. static/editor.js
asks it as the translator types; nothing here is needed for the page to work without JavaScript.
"""
from __future__ import annotations

from flask import current_app, g, jsonify

from ..tooling.glossary import Glossary
from .gate import judge, with_project_glossary
from .views import Row, _current, _form_strings, bp, load


def _glossary_terms(glossary: Glossary | None, row: Row, strings: tuple[str, ...], locale: str) -> list[dict]:
    """The agreed terms the English uses, and whether the text holds each (shown beside the box)."""
    filled = [s for s in strings if s]
    return [{"source": term.source, "agreed": agreed, "note": term.note,
             "present": not agreed or not filled or all(agreed in s for s in filled)}
            for term in (glossary.terms_in(" ".join(row.ids)) if glossary else ())
            for agreed in [term.translations.get(locale)]]


@bp.post("/<id_>/qa")
def qa(id_: str):
    loaded, row = _current(id_)
    strings = _form_strings(row, "msgstr")
    rules, error = with_project_glossary((loaded or load(g.locale)).rules, current_app.config["TRANSLATIONS_DIR"])
    if error is not None:  # `check` cannot run either: nothing can be judged safe
        return jsonify({"refusal": error, "warnings": [], "glossary": [], "glossary_error": error})
    verdict = judge(rules, row.message, strings, fuzzy=False)
    refusal = "; ".join(f"{f.message} ({f.code})" for f in verdict.errors) or None
    return jsonify({"refusal": refusal, "warnings": [f.message for f in verdict.warnings], "glossary_error": None,
                    "glossary": _glossary_terms(rules.glossary, row, strings, g.locale)})
