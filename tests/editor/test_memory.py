"""memory.py: exact and close matches with similarity and source; look-ups stay cheap on big catalogs."""
from __future__ import annotations

import time

from babel.messages.catalog import Message

from app.editor.memory import TranslationMemory


def test_exact_and_close_matches_best_first_with_their_source(tmp_path):
    extra = tmp_path / "django.po"
    extra.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                     'msgid "Save and continue editing"\nmsgstr "保存して編集を続ける"\n\n'
                     '#, fuzzy\nmsgid "Save"\nmsgstr "あいまい"\n', encoding="utf-8")
    memory = TranslationMemory()
    own = memory.of_messages(tmp_path / "own.po", (1,), lambda: [Message("Save and continue", "保存して続ける"),
                                                                 Message("Delete everything", "全削除")])
    found = memory.suggest("Save and continue", "", [("this catalog", own), ("django.po", memory.of_file(extra))])
    assert [(s.english, s.similarity, s.source) for s in found] == [
        ("Save and continue", 1.0, "this catalog"), ("Save and continue editing", 0.81, "django.po")]
    assert memory.suggest("Save and continue", "保存して続ける", [("this catalog", own)]) == []  # its own text
    assert memory.of_file(tmp_path / "missing.po") is None


def test_a_look_up_in_20000_similar_entries_is_fast():
    memory = TranslationMemory()
    pairs = [Message(f"Generated entry number {n} of the test", f"生成 {n}") for n in range(20000)]
    big = memory.of_messages(None, (1,), lambda: pairs)
    started = time.perf_counter()
    found = memory.suggest("Generated entry number 123 of the test", "", [("big", big)])
    assert found[0].similarity == 1.0 and len(found) == 5
    assert time.perf_counter() - started < 2  # ~50 ms here; difflib on every entry took seconds


def test_a_saved_entry_changes_the_memory_as_rebuilding_it_would(tmp_path):
    def catalog(changed: dict[str, Message]) -> list[Message]:
        base = [Message("Save and continue", "保存して続ける"), Message("Save and close", ""),
                Message("Save", "保存", context="button"), Message("Save as draft", "下書き保存", flags=["fuzzy"])]
        return [changed.get(m.id, m) if m.context is None else m for m in base]

    changes = {"Save and continue": Message("Save and continue", "", flags=["fuzzy"]),  # drops out
               "Save and close": Message("Save and close", "保存して閉じる"),  # comes in
               "Save as draft": Message("Save as draft", "下書きとして保存")}  # no longer fuzzy: comes in
    memory = TranslationMemory()
    path = tmp_path / "messages.po"
    memory.of_messages(path, (1,), lambda: catalog({}))
    memory.take_changes(path, (1,), (2,), changes.values())
    updated = memory.of_messages(path, (2,), lambda: [])  # version 2 is the one held: nothing is read
    rebuilt = TranslationMemory().of_messages(path, (2,), lambda: catalog(changes))
    for english in ("Save and continue", "Save and close", "Save as draft", "Save"):
        assert memory.suggest(english, "", [("own", updated)]) == memory.suggest(english, "", [("own", rebuilt)])
    assert [s.translation for s in memory.suggest("Save and close", "", [("own", updated)])][0] == "保存して閉じる"
    memory.take_changes(path, (1,), (3,), [])  # a version it does not hold: left to be rebuilt
    assert memory.of_messages(path, (3,), lambda: catalog(changes)).signature == (3,)
