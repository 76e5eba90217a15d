"""Keep every locale's catalog in step with the POT: `update` merges, `init` starts a new language.

Merging is Babel's `Catalog.update` (exact matches keep their translation, a removed string becomes
obsolete, `#~`), with one policy of our own for guesses: a new string gets a fuzzy translation only from a
string of the same context (`msgctxt`) that left the template in the same update, i.e. when its English
changed. Babel would guess from any translated string of any context (a page title from a fact label),
which reads as "the English changed" when it did not. Every fuzzy entry keeps the English its translation
was made for as `#| msgctxt`/`#| msgid` (GNU msgmerge's format), until the translator clears the flag;
the status page shows it as a diff. Files are written atomically and only when their bytes change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import normalize
from babel.util import LOCALTZ

from .compile import write_if_changed
from .entry import ids_of, is_plural, key_of, strings_of
from .files import atomic_write
from .findings import Finding
from .plural_table import gnu_plural_forms
from .pofile import WIDTH, CatalogError, messages, po_bytes, read_catalog

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
               for locale, path in zip(locales, paths, strict=True) if not path.exists()]
    if missing:
        raise CatalogError(missing)
    catalogs = [read_catalog(path) for path in paths]
    results = []
    for path, catalog in zip(paths, catalogs, strict=True):
        _revive_obsolete(catalog, template)
        before = {key_of(m): m for m in messages(catalog)}
        obsolete_before = set(catalog.obsolete)
        catalog.update(template, no_fuzzy_matching=True)
        _keep_previous(catalog, before)
        _guess_changed_strings(catalog, before, [key for key in catalog.obsolete if key not in obsolete_before])
        results.append(Updated(path, write_if_changed(path, catalog_bytes(catalog))))
    return results


def _set_previous(message: Message, source: Message) -> None:
    """`message` was translated from `source`'s English (or, when `source` is itself an unreviewed guess,
    from the English `source` was translated from)."""
    # previous_context: our own attribute on Babel's Message, which keeps no `#| msgctxt` (pofile._set_previous)
    if source.fuzzy and source.previous_id:
        message.previous_id = list(source.previous_id)
        message.previous_context = getattr(source, "previous_context", None)  # type: ignore[attr-defined]
    else:
        message.previous_id = list(ids_of(source))
        message.previous_context = source.context  # type: ignore[attr-defined]


def _keep_previous(catalog: Catalog, before: dict) -> None:
    """Catalog.update rebuilds each entry from the POT, losing `#|`: keep it while the entry is fuzzy."""
    for message in messages(catalog):
        old = before.get(key_of(message))
        if old is not None and message.fuzzy and old.previous_id:
            _set_previous(message, old)


def _guess_changed_strings(catalog: Catalog, before: dict, removed: list) -> None:
    """A new string takes, as a fuzzy guess, the translation of the closest string (`_closest`) among
    those of its own context removed in this update and translated. The source entry's
    English goes to `#|`, its translation to msgstr: nothing of it is lost, so it leaves the obsolete list."""
    candidates: dict = {}
    for key in removed:
        old = catalog.obsolete[key]
        if strings_of(old)[0]:
            candidates.setdefault(old.context, {})[key_of(old).msgid.lower().strip()] = key
    used = set()
    for message in messages(catalog):
        pool = candidates.get(message.context)
        if not pool or key_of(message) in before:
            continue
        match = _closest(key_of(message).msgid.lower().strip(), pool)
        source = catalog.obsolete[pool[match]] if match is not None else None
        if source is None or is_plural(source) != is_plural(message):
            continue  # a singular translation is no guess for a plural entry, nor the reverse
        message.string = source.string
        message.flags |= source.flags | {"fuzzy"}
        message.user_comments = list(source.user_comments)
        _set_previous(message, source)
        used.add(pool[match])
    for key in used:
        del catalog.obsolete[key]


def _closest(text: str, candidates, cutoff: float = 0.6) -> str | None:
    """The candidate most like `text` with a similarity of at least `cutoff` (Babel's), or None.

    difflib.get_close_matches, as Babel uses it, but without SequenceMatcher's autojunk heuristic: on
    strings of 200 characters or more it treats common letters as junk, so a paragraph with one word
    changed scores 0.15 against its old self and would lose its translation.
    """
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(text)
    best, best_ratio = None, cutoff
    for candidate in candidates:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= best_ratio and matcher.quick_ratio() >= best_ratio:
            ratio = matcher.ratio()
            if ratio > best_ratio or (ratio == best_ratio and best is None):
                best, best_ratio = candidate, ratio
    return best


def catalog_bytes(catalog: Catalog) -> bytes:
    """The PO bytes of `catalog` with GNU's `#|` lines after each fuzzy entry's flags. Babel's write_po
    would wrap them like prose (`include_previous`), breaking quoted strings across lines."""
    entries = list(messages(catalog))
    data = po_bytes(catalog)
    if not any(message.previous_id for message in entries):
        return data
    blocks = data.decode(catalog.charset).split("\n\n")  # the header, then one block per entry in order
    if len(blocks) < len(entries) + 1:
        raise RuntimeError("write_po output does not have one block per entry")
    for block_index, message in enumerate(entries, 1):
        if message.previous_id:
            lines = blocks[block_index].split("\n")
            at = next(i for i, line in enumerate(lines) if line.startswith(("msgctxt ", "msgid ")))
            lines[at:at] = _previous_lines(message)
            blocks[block_index] = "\n".join(lines)
    return "\n\n".join(blocks).encode(catalog.charset)


def _previous_lines(message: Message) -> list[str]:
    context = getattr(message, "previous_context", None)
    fields = ([("msgctxt", context)] if context is not None else []) + list(
        zip(("msgid", "msgid_plural"), message.previous_id, strict=False))  # one id or two
    return "\n".join(f"#| {keyword} {normalize(text, prefix='#| ', width=WIDTH)}"
                     for keyword, text in fields).split("\n")


def _revive_obsolete(catalog: Catalog, template: Catalog) -> None:
    """Bring back obsolete entries whose msgid is in the POT again, translation and all, as msgmerge does.

    Catalog.update ignores `catalog.obsolete`: the entry would come back untranslated and stay in the file
    a second time as `#~`, which msgfmt reports as a duplicate.
    """
    for key, message in list(catalog.obsolete.items()):
        if template.get(message.id, message.context) is not None:
            catalog[message.id] = catalog.obsolete.pop(key)


def init_catalog(pot_path: Path, translations_dir: Path, locale: str) -> Path:
    """Start `locale`'s catalog from the POT, with that language's plural rule (ja: nplurals=1; GNU's table
    first, then Babel's).

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
    # GNU's rule where gettext's table has one (as msginit writes it, and what msgfmt -c checks against);
    # Babel's CLDR rule otherwise (CLDR 46 gives French a third form GNU tools do not know).
    plural_forms = gnu_plural_forms(locale)
    if plural_forms:
        catalog.mime_headers = [("Plural-Forms", plural_forms)]
    for message in template:
        if message.id:
            catalog[message.id] = message.clone()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, po_bytes(catalog))
    return path
