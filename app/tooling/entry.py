"""One catalog entry as the site, the status pages and the editor see it: the only place its key, forms,
plural-ness, state and verdict are worked out.

Babel's Message holds a plural entry's msgid and msgstr as tuples and a singular one's as strings; above
this module everything is tuples (`ids`, `strings`). The state, one of STATES:
- untranslated: a msgstr is empty, even when the entry is marked fuzzy (for a plural entry with only some
  forms empty the site shows English for the others' counts; msgfmt, and so `stats`, counts it by its first
  form alone: the status page's live numbers are counted from these states instead);
- fuzzy: marked fuzzy (the site does not show it);
- refused: translated, but `verdict.refusal` refuses it, judged with the catalog's OWN plural rule (as the
  live site judges it, so the site serves English for exactly these);
- translated: the site shows it.
"""
from __future__ import annotations

from dataclasses import dataclass

from babel.messages.catalog import Catalog, Message

from .formats import GERMANIC, catalog_strict_forms
from .pofile import messages
from .verdict import Refusal, refusal

STATES = UNTRANSLATED, FUZZY, REFUSED, TRANSLATED = ("untranslated", "fuzzy", "refused", "translated")
TODO_STATES = (UNTRANSLATED, FUZZY, REFUSED)  # what the site does not show in the locale's language


@dataclass(frozen=True)
class EntryKey:
    """Which entry: its msgctxt (None when it has none) and its msgid (the singular, for plurals)."""

    context: str | None
    msgid: str

    @property
    def id(self) -> str:
        """A short stable name for URLs (the editor's /<id>/)."""
        import hashlib  # here: OpenSSL's ~3 ms of start-up, which `check` and `compile` do not need

        raw = ("\x00" if self.context is None else self.context + "\x04") + self.msgid
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def is_plural(message: Message) -> bool:
    return isinstance(message.id, (tuple, list))


def ids_of(message: Message) -> tuple[str, ...]:
    """(msgid,) or (msgid, msgid_plural)."""
    msgid = message.id
    return (msgid,) if isinstance(msgid, str) else tuple(msgid)


def strings_of(message: Message) -> tuple[str, ...]:
    """(msgstr,) or (msgstr[0], msgstr[1], ...); a missing string is "" (and there is always a first)."""
    string = message.string
    return tuple(s or "" for s in string) or ("",) if isinstance(string, (tuple, list)) else (string or "",)


def key_of(message: Message) -> EntryKey:
    return EntryKey(message.context, ids_of(message)[0])


def find_message(catalog: Catalog, key: EntryKey) -> Message | None:
    return catalog.get(key.msgid, context=key.context)


@dataclass(frozen=True)
class Entry:
    """A message with its state and, when the site refuses it, why."""

    message: Message
    state: str
    refusal: Refusal | None  # set exactly when state is REFUSED

    @classmethod
    def of(cls, message: Message, strict: frozenset[int] | None = GERMANIC, *, html: bool = True) -> Entry:
        """`strict`: the catalog's plural forms checked strictly (`formats.catalog_strict_forms`);
        `html`: rendered into the site's pages (see `verdict.refusal`)."""
        strings = strings_of(message)
        if not all(strings):
            return cls(message, UNTRANSLATED, None)
        if "fuzzy" in message.flags:
            return cls(message, FUZZY, None)
        verdict = refusal(ids_of(message), strings, html=html, strict=strict)
        return cls(message, REFUSED if verdict else TRANSLATED, verdict)

    @property
    def key(self) -> EntryKey:
        return key_of(self.message)

    @property
    def id(self) -> str:
        return self.key.id

    @property
    def ids(self) -> tuple[str, ...]:
        return ids_of(self.message)

    @property
    def strings(self) -> tuple[str, ...]:
        return strings_of(self.message)

    @property
    def plural(self) -> bool:
        return is_plural(self.message)


def catalog_entries(catalog: Catalog, *, html: bool = True) -> list[Entry]:
    """Every entry of `catalog` (not the header, not obsolete ones), judged with its own plural rule."""
    strict = catalog_strict_forms(catalog)
    return [Entry.of(message, strict, html=html) for message in messages(catalog)]
