"""The site as static files: every page in every locale, sitemap.xml, 404 pages and language-picking pages.

    flask --app app export [--destination build] [--base-url https://www.example.ac.jp]

Frozen-Flask requests every URL from the real app through its test client and writes the responses, so the
export is byte for byte what the server renders. The app is switched to STATIC_EXPORT first: the language
switcher links straight to the other language's page (there is no cookie endpoint on a file server), and
the unprefixed URLs (`/`, `/office/`...), which the server answers with a negotiated redirect, become
language pickers instead (templates/language-picker.html + static/pick-language.js; no inline script, so
the site's CSP still holds). Links are root-relative (`/ja/office/`, `/static/site.css`) and absolute ones
(canonical, hreflang, sitemap) are built from BASE_URL: serve the export at the root of that URL.

Safe on any host: every page carries the site's Content-Security-Policy in a <meta> (the directives a meta
element supports), and `_headers` gives all of the site's security headers to hosts that read one (Netlify,
Cloudflare Pages). EXPORT_MARKER marks the directory as an export, the only kind the export will empty.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import click
from babel import Locale
from flask import Flask, current_app, render_template, url_for
from flask.cli import with_appcontext
from flask_babel import force_locale, refresh

from .i18n import pgettext
from .pages import PAGES, PageCache, alternates
from .security import HEADERS

NOT_FOUND_PROBE = "/__not-found__"  # a path no page has, to render the 404 page
EXPORT_MARKER = ".intl-strategy-export"  # written into every export; only such a directory is emptied
HEADERS_FILE = "_headers"


def export_site(app: Flask, destination: Path) -> set[str]:
    """Write the static twin of `app` into `destination` (emptied of files not rebuilt); return the URLs.

    Turns `app` itself into the static twin (STATIC_EXPORT, pickers at unprefixed URLs): pass an app made
    for the export, as the `export` command does.
    """
    from flask_frozen import Freezer, MissingURLGeneratorWarning  # the `export` extra, only needed here

    destination = Path(destination).resolve()
    app.config.update(STATIC_EXPORT=True, FREEZER_DESTINATION=str(destination),
                      FREEZER_REMOVE_EXTRA_FILES=True)
    app.extensions["page_cache"] = PageCache()  # nothing rendered before the switch may be exported
    for page in PAGES:
        app.view_functions[f"root.negotiate_{page.endpoint}"] = _picker_view(page)
    # Frozen-Flask makes every request inside one app context, so `g`, where flask-babel caches the
    # locale, would carry the first page's language into every later page.
    app.before_request(refresh)

    # Only what is listed here, and what those pages link to, is exported: never the translator pages.
    freezer = Freezer(app, with_no_argument_rules=False)

    @freezer.register_generator
    def site():
        for page in PAGES:
            yield f"root.negotiate_{page.endpoint}", {}
            for locale in app.config["LOCALES"]:
                yield f"pages.{page.endpoint}", {"locale": locale}
        yield "root.sitemap", {}

    with warnings.catch_warnings():
        # Endpoints that only make sense on a server (the cookie switch, translator pages) are skipped.
        warnings.simplefilter("ignore", MissingURLGeneratorWarning)
        urls = freezer.freeze()
    urls |= _write_not_found_pages(app, destination)
    _write_host_files(destination)
    return urls


def _write_host_files(destination: Path) -> None:
    """`_headers` (the security headers for every path, in Netlify's and Cloudflare Pages' format) and
    the marker that lets the next export recognise this directory as its own."""
    rules = "".join(f"  {name}: {value}\n" for name, value in HEADERS.items())
    (destination / HEADERS_FILE).write_text(f"/*\n{rules}", encoding="utf-8")
    (destination / EXPORT_MARKER).write_text("Written by `flask --app app export`: the next export empties this "
                                             "directory.\n", encoding="utf-8")


def _picker_view(page):
    def view():
        choices = []
        for locale in current_app.config["LOCALES"]:
            with force_locale(locale):
                choices.append({
                    "locale": locale,
                    "name": Locale.parse(locale).get_display_name(locale),
                    "site_name": pgettext("site name", "Tohoku University International Strategy"),
                    "title": pgettext(page.title.context, page.title.msgid),
                    "url": url_for(f"pages.{page.endpoint}", locale=locale),
                    "default": locale == current_app.config["DEFAULT_LOCALE"],
                })
        return render_template("language-picker.html", choices=choices, alternates=alternates(page))
    view.__name__ = f"pick_language_{page.endpoint}"
    return view


def _write_not_found_pages(app: Flask, destination: Path) -> set[str]:
    """/404.html in the default language (what static hosts serve for a missing file), /<locale>/404.html."""
    client = app.test_client()
    written = set()
    for prefix in ("", *app.config["LOCALES"]):
        url = f"/{prefix}/404.html" if prefix else "/404.html"
        response = client.get(f"/{prefix}{NOT_FOUND_PROBE}" if prefix else NOT_FOUND_PROBE)
        if response.status_code != 404:
            raise RuntimeError(f"{NOT_FOUND_PROBE} answered {response.status_code}, not 404")
        target = destination / url.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(response.data)
        written.add(url)
    return written


def _checked_destination(destination: Path, project_root: Path) -> Path:
    """`destination` with `~` expanded, resolved; or a click error (exit 2) when the export must not write
    there: not a directory (/dev/null, a file), `/`, $HOME, the project root or anything containing it, or
    a non-empty directory without EXPORT_MARKER (the export deletes every file in it that it does not write)."""
    target = Path(destination).expanduser().resolve()
    if target.exists() and not target.is_dir():
        raise click.BadParameter(f"{destination} exists and is not a directory", param_hint="--destination")
    protected = {Path("/"), Path.home().resolve(), project_root.resolve()}
    if target in protected or target in project_root.resolve().parents:
        raise click.BadParameter(f"{destination} is /, $HOME or holds the project: the export would delete "
                                 "its files", param_hint="--destination")
    if target.is_dir() and any(target.iterdir()) and not (target / EXPORT_MARKER).is_file():
        raise click.BadParameter(f"{destination} is not empty and holds no earlier export (no {EXPORT_MARKER}): "
                                 "the export would delete its files", param_hint="--destination")
    return target


def _refuse_unusable_catalogs(app: Flask) -> None:
    """A published catalog the site cannot use would be exported as pages in English: exit 1 instead, with
    the reason, before anything is written (a server keeps its last good catalog; an export has none)."""
    registry = app.extensions["catalogs"]
    for locale in app.config["LOCALES"]:
        registry.state(locale)
        registry.settle(locale)
        error = registry.state(locale).error
        if error:
            shown = error.replace(f"{Path(app.config['TRANSLATIONS_DIR']).parent}/", "")
            raise click.ClickException(f"{shown}\nnothing exported: fix the catalog (`flask --app app i18n check`)")


@click.command("export")
@click.option("--destination", type=click.Path(file_okay=False, path_type=Path),
              help="directory to write (emptied of files not rebuilt, so it must be new, empty or an earlier "
                   f"export, marked by {EXPORT_MARKER})  [default: build/ in the project]")
@click.option("--base-url", help="the URL the export will be served from, for canonical, hreflang and "
                                 "sitemap links  [default: BASE_URL, i.e. SITE_BASE_URL]")
@with_appcontext
def export_command(destination: Path | None, base_url: str | None) -> None:
    """Export every page in every locale as static files (Frozen-Flask)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed by Flask as Flask
    if base_url:
        app.config["BASE_URL"] = base_url.rstrip("/")
    destination = _checked_destination(destination or app.config["PROJECT_ROOT"] / "build",
                                       Path(app.config["PROJECT_ROOT"]))
    _refuse_unusable_catalogs(app)
    urls = export_site(app, destination)
    click.echo(f"exported {len(urls)} URLs to {destination} for {app.config['BASE_URL']}/")
