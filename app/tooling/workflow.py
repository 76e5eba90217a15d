"""Keep every locale's catalog in step with the POT: `update` merges, `init` starts a new language.

Merging is Babel's `Catalog.update`: a changed English string keeps its old translation marked fuzzy, a
removed one becomes obsolete (`#~`). Files are written atomically and only when their bytes change, at one
line width, without `#|` previous-msgid lines (the strict reader drops them, so
writing them would make every second run rewrite the file).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.util import LOCALTZ

from .compile import atomic_write, write_if_changed
from .findings import Finding
from .pofile import CatalogError, po_bytes, read_catalog

DOMAIN = "messages"


def po_path(translations_dir: Path, locale: str) -> Path:
    return Path(translations_dir) / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class Updated:
    path: Path
    changed: bool  # False: the file already matched the POT and was left untouched


def update_catalogs(pot_path: Path, translations_dir: Path, locales) -> list[Updated]:
    """Merge the POT into each locale's catalog. Raises CatalogError before writing anything if the POT
    or any catalog is missing or unreadable, so a run never leaves some locales merged and others not."""
    template = read_catalog(Path(pot_path))
    paths = [po_path(translations_dir, locale) for locale in locales]
    missing = [Finding(str(path), 0, "missing-catalog",
                       f"no catalog: run `flask --app app i18n init {locale}`")
               for locale, path in zip(locales, paths) if not path.exists()]
    if missing:
        raise CatalogError(missing)
    catalogs = [read_catalog(path) for path in paths]
    results = []
    for path, catalog in zip(paths, catalogs):
        _revive_obsolete(catalog, template)
        catalog.update(template)
        results.append(Updated(path, write_if_changed(path, po_bytes(catalog))))
    return results


def _revive_obsolete(catalog: Catalog, template: Catalog) -> None:
    """Bring back obsolete entries whose msgid is in the POT again, translation and all, as msgmerge does.

    Catalog.update ignores `catalog.obsolete`: the entry would come back untranslated and stay in the file
    a second time as `#~`, which msgfmt reports as a duplicate.
    """
    for key, message in list(catalog.obsolete.items()):
        if template.get(message.id, message.context) is not None:
            catalog[message.id] = catalog.obsolete.pop(key)


def init_catalog(pot_path: Path, translations_dir: Path, locale: str) -> Path:
    """Start `locale`'s catalog from the POT, with that language's plural rule (ja: nplurals=1).

    Refuses (CatalogError) an unknown locale or an existing catalog: `update` is for those.
    """
    path = po_path(translations_dir, locale)
    try:
        parsed = Locale.parse(locale)
    except (ValueError, UnknownLocaleError) as err:
        raise CatalogError([Finding(locale, 0, "unknown-locale", f"not a locale Babel knows: {err}")]) from err
    if path.exists():
        raise CatalogError([Finding(str(path), 0, "catalog-exists",
                                    "catalog already exists: run `flask --app app i18n update` instead")])
    template = read_catalog(Path(pot_path))
    catalog = Catalog(locale=parsed, header_comment=(
        f"# {parsed.english_name} translations.\n"
        "# Edit the msgstr lines; `flask --app app i18n update` adds new messages.\n#"),
        project=template.project, version=template.version, fuzzy=False,
        creation_date=template.creation_date, revision_date=datetime.now(LOCALTZ))
    for message in template:
        if message.id:
            catalog[message.id] = message.clone()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, po_bytes(catalog))
    return path
