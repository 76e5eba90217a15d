"""The editor's gate is CI's gate: a save is judged by `checks.entry_findings`, the function `check` runs on
every entry, applied to the entry as it would be saved. No Flask, no second list of rules.

What `check` would call an error refuses the save; a warning (e.g. a trailing space where the English has
none) is shown and needs one more click. Two findings a save may leave as they were: an entry already
untranslated or fuzzy on disk (a translator's save keeps a fuzzy entry fuzzy until a reviewer's save), and
the fuzzy flag a "Mark fuzzy" asks for on purpose (it hides the translation until reviewed: `check` then
fails until a reviewer approves it, which is what the flag means). A text saved fuzzy is judged as it will
be published, when the flag is cleared.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from babel.messages.catalog import Message

from ..tooling.checks import EntryRules, entry_findings
from ..tooling.findings import ERROR, Finding
from ..tooling.glossary import project_glossary
from ..tooling.pofile import CatalogError

STATE_CODES = frozenset({"untranslated", "fuzzy"})


@dataclass(frozen=True)
class GateVerdict:
    errors: list[Finding] = field(default_factory=list)  # refuse the save
    warnings: list[Finding] = field(default_factory=list)  # shown; saving needs "Save anyway"


def as_saved(message: Message, strings: tuple[str, ...], fuzzy: bool) -> Message:
    """A copy of `message` holding `strings`, fuzzy or not: the entry as the save would write it."""
    flags = set(message.flags) - {"fuzzy"} | ({"fuzzy"} if fuzzy else set())
    return Message(message.id, strings if isinstance(message.id, (tuple, list)) else strings[0],
                   locations=list(message.locations), flags=flags, auto_comments=list(message.auto_comments),
                   user_comments=list(message.user_comments), previous_id=message.previous_id,
                   lineno=message.lineno, context=message.context)


def judge(rules: EntryRules, on_disk: Message, strings: tuple[str, ...], fuzzy: bool,
          marking_fuzzy: bool = False) -> GateVerdict:
    """The gate's verdict on saving `strings` (fuzzy or not) over the entry `on_disk`."""
    already = {f.code for f in entry_findings(rules, on_disk)} & STATE_CODES
    if marking_fuzzy:
        already.add("fuzzy")
    findings = entry_findings(rules, as_saved(on_disk, strings, fuzzy))
    if fuzzy:  # `check` skips a fuzzy text, but it goes live as it is when a reviewer clears the flag
        findings += [f for f in entry_findings(rules, as_saved(on_disk, strings, False)) if f.code not in STATE_CODES]
    findings = [f for f in findings if f.code not in already]
    return GateVerdict([f for f in findings if f.severity == ERROR], [f for f in findings if f.severity != ERROR])


def with_project_glossary(rules: EntryRules, translations_dir: Path) -> tuple[EntryRules, str | None]:
    """`rules` with the project glossary as it is now (a translator may have just added a term), or the
    reason it cannot be read: then `check` cannot run either (exit 2) and no save can be judged safe."""
    try:
        return replace(rules, glossary=project_glossary(translations_dir)), None
    except CatalogError as err:
        return rules, f"the glossary cannot be read: {err}"
