"""Download and upload of a locale's whole catalog, for translators who work in Poedit or another PO editor.

Download gives the live `messages.po` and keeps a copy as what this translator started from
(INSTANCE_DIR/downloads/<locale>/<user>.po). Upload reads the file with the strict reader (a malformed file
is an error and nothing is written) and merges it entry by entry through the editor's gate (gate.py) and
its save (store.py: the same lock, conflict check and audit as a save in the browser). Per entry:

- the same as the live text: unchanged;
- the same as the copy the translator downloaded: unchanged (they did not touch it; the live text may have
  moved on since, and stays);
- the live text is empty, or still what they downloaded: saved (in a reviewed language, a translator's
  upload makes it a suggestion for a reviewer, as a save in the browser does; a fuzzy entry stays fuzzy
  unless a reviewer uploads it);
- otherwise (someone changed the live text since the download, or there is no download to compare with and
  the live text is a different, non-empty one): a conflict, left for the translator to settle in the editor.

Fuzzy entries of the file are left out (Poedit clears the flag on an entry the translator edits), as are
entries the catalog no longer has.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Response, current_app, g, render_template, request

from ..limits import body_limit
from ..tooling.entry import EntryKey, ids_of, key_of, strings_of
from ..tooling.files import atomic_write
from ..tooling.pofile import CatalogError, messages, parse_po
from .gate import judge, with_project_glossary
from .store import Author, CatalogBusy, Conflict, EntryGone, Refused
from .views import _signed_in_user, _suggestions, bp, load, po_path, store_for

# A catalog of the site is ~100 KB; one of 20,000 entries ~3 MB. Anything larger is not a catalog of ours.
UPLOAD_LIMIT = 8 * 1024 * 1024


@dataclass
class Outcome:
    key: EntryKey
    english: str
    yours: tuple[str, ...] = ()
    live: tuple[str, ...] = ()
    reason: str = ""

    @property
    def id(self) -> str:
        return self.key.id


@dataclass
class Summary:
    saved: list[Outcome] = field(default_factory=list)
    suggested: list[Outcome] = field(default_factory=list)  # a reviewed locale, uploaded by a translator
    unchanged: int = 0
    conflicts: list[Outcome] = field(default_factory=list)
    refused: list[Outcome] = field(default_factory=list)
    left_out: int = 0  # fuzzy or untranslated in the file
    unknown: int = 0  # not in the live catalog


def _download_copy(locale: str) -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "downloads" / locale / f"{_signed_in_user().name}.po"


@bp.route("/download")
def download():
    """The live catalog as a file; a copy is kept as what this translator started from (see upload)."""
    data = po_path(g.locale).read_bytes()
    copy = _download_copy(g.locale)
    copy.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(copy, data)
    response = Response(data, mimetype="text/x-gettext-translation")
    response.headers["Content-Disposition"] = f"attachment; filename=messages-{g.locale}.po"
    return response


def _upload_page(*, summary: Summary | None = None, error: str | None = None, status: int = 200):
    return render_template("editor/upload.html", title=f"Upload a catalog ({g.locale})", summary=summary,
                           error=error, limit_mb=UPLOAD_LIMIT // (1024 * 1024)), status


@bp.route("/upload", methods=["GET", "POST"])
@body_limit(UPLOAD_LIMIT)
def upload():
    if request.method == "GET":
        return _upload_page()
    file = request.files.get("catalog")
    if file is None or not file.filename:
        return _upload_page(error="Choose a .po file to upload.", status=400)
    try:
        uploaded = parse_po(file.read(), Path(file.filename)).catalog
    except CatalogError as err:
        return _upload_page(error=f"This file is not a valid catalog, so nothing was saved: {err}", status=400)
    # Poedit may write the territory too (ja_JP for ja): the language is what must match.
    if uploaded.locale is not None and g.locale not in (str(uploaded.locale), uploaded.locale.language):
        return _upload_page(error=f"This file is a catalog for {uploaded.locale}, not {g.locale}: nothing was "
                                  "saved.", status=400)
    try:
        summary = merge(uploaded)
    except (CatalogError, CatalogBusy) as err:
        return _upload_page(error=f"The live catalog cannot be saved to now: {err}", status=503)
    return _upload_page(summary=summary)


def merge(uploaded) -> Summary:
    """Save each entry of `uploaded` that the translator changed and nobody else did (see the module's doc)."""
    path = po_path(g.locale)
    live = {key_of(m): m for m in messages(parse_po(path.read_bytes(), path).catalog)}
    copy = _download_copy(g.locale)
    base = ({key_of(m): strings_of(m) for m in messages(parse_po(copy.read_bytes(), copy).catalog)}
            if copy.exists() else None)
    user = _signed_in_user()
    reviewer = user.can_review(g.locale)
    suggesting = g.locale in current_app.config["REVIEW_LOCALES"] and not reviewer  # as a save in the editor
    store, author = store_for(g.locale), Author(user.name)
    rules, glossary_error = with_project_glossary(load(g.locale).rules, current_app.config["TRANSLATIONS_DIR"])
    summary = Summary()
    for message in messages(uploaded):
        key = key_of(message)
        yours = strings_of(message)
        if "fuzzy" in message.flags or not any(yours):
            summary.left_out += 1
            continue
        current = live.get(key)
        if current is None:
            summary.unknown += 1
            continue
        now, started = strings_of(current), base.get(key) if base is not None else None
        outcome = Outcome(key, ids_of(current)[0], yours, now)
        if yours == now or yours == started:
            summary.unchanged += 1
            continue
        if any(now) and now != started:
            summary.conflicts.append(outcome)
            continue
        if len(yours) != len(now):
            outcome.reason = f"expected {len(now)} form(s) of the translation, got {len(yours)}"
            summary.refused.append(outcome)
            continue
        fuzzy = "fuzzy" in current.flags and not reviewer  # only a reviewer's save clears fuzzy
        errors = [f"{f.message} ({f.code})" for f in judge(rules, current, yours, fuzzy=fuzzy).errors]
        if glossary_error or errors:
            outcome.reason = glossary_error or "; ".join(errors)
            summary.refused.append(outcome)
            continue
        if suggesting:
            _suggestions().suggest(key, user.name, now, yours)
            summary.suggested.append(outcome)
            continue
        try:
            result = store.save(key, yours, now, author, fuzzy=fuzzy, action="upload")
        except EntryGone:
            summary.unknown += 1
            continue
        if isinstance(result, Conflict):
            outcome.live = result.on_disk
            summary.conflicts.append(outcome)
        elif isinstance(result, Refused):
            outcome.reason = result.reason
            summary.refused.append(outcome)
        else:
            summary.saved.append(outcome)
    return summary

