"""suggestions.py and comments.py: what the editor keeps beside the catalogs, in its database."""
from __future__ import annotations

import pytest

from app.comments import MAX_COMMENT_LENGTH, CommentError, Comments
from app.suggestions import ACCEPTED, OPEN, REJECTED, Suggestions
from app.tooling.editor_work import awaiting_review, open_source_questions
from app.tooling.entry import EntryKey

KEY = EntryKey("fact label", "Established")
OTHER = EntryKey(None, "Established")  # no context: another entry


def test_one_open_suggestion_per_translator_and_entry_and_decisions_only_once(tmp_path):
    db = tmp_path / "editor.sqlite3"
    ja = Suggestions(db, "ja")
    first = ja.suggest(KEY, "alice", ("設置",), ("設立",))
    second = ja.suggest(KEY, "alice", ("設置",), ("創立",))  # replaces her first
    ja.suggest(KEY, "bob", ("設置",), ("創設",))
    ja.suggest(OTHER, "alice", ("",), ("設置",))
    Suggestions(db, "fr").suggest(KEY, "frank", ("",), ("Fondé",))
    assert ja.get(first) is None
    assert [(s.user, s.strings) for s in ja.of_entry(KEY)] == [("alice", ("創立",)), ("bob", ("創設",))]
    assert awaiting_review(db) == {"ja": 3, "fr": 1}
    assert ja.open_counts() == {KEY: 2, OTHER: 1}
    ja.accept(second, "rita", ("創立（編）",), "abc123")
    ja.reject(second, "rita", "too late")  # already decided: nothing changes
    accepted = ja.get(second)
    assert (accepted.state, accepted.reviewer, accepted.accepted, accepted.reason) == \
        (ACCEPTED, "rita", ("創立（編）",), None)
    assert Suggestions(db, "fr").get(second) is None  # another locale's id is not this locale's
    bob = next(s for s in ja.open() if s.user == "bob")
    ja.reject(bob.id, "rita", "創設 is for universities")
    assert (ja.get(bob.id).state, ja.get(bob.id).reason) == (REJECTED, "創設 is for universities")
    assert [s.state for s in ja.open()] == [OPEN] and awaiting_review(db) == {"ja": 1, "fr": 1}


def test_checks_reading_never_creates_the_database(tmp_path):
    db = tmp_path / "instance" / "editor.sqlite3"
    assert awaiting_review(db) == {} and open_source_questions(db) == []
    assert not db.parent.exists()


def test_comments_threads_and_questions_about_the_english(tmp_path):
    db = tmp_path / "editor.sqlite3"
    ja = Comments(db, "ja")
    with pytest.raises(CommentError):
        ja.add(KEY, "alice", " \r\n ")
    with pytest.raises(CommentError):
        ja.add(KEY, "alice", "x" * (MAX_COMMENT_LENGTH + 1))
    ja.add(KEY, "alice", "  Office or university?\r\nThe page says both.  ", about_source=True)
    ja.add(KEY, "rita", "The office.")
    ja.add(OTHER, "alice", "fine")
    thread = ja.thread(KEY)
    assert [(c.user, c.text, c.open_question) for c in thread] == [
        ("alice", "Office or university?\nThe page says both.", True), ("rita", "The office.", False)]
    assert ja.counts() == {KEY: 2, OTHER: 1}
    [question] = open_source_questions(db)
    assert (question["locale"], question["msgctxt"], question["msgid"], question["user"]) == \
        ("ja", KEY.context, KEY.msgid, "alice")
    Comments(db, "fr").resolve(thread[0].id, "frank")  # not fr's comment
    assert open_source_questions(db) == [question]
    ja.resolve(thread[0].id, "rita")
    assert open_source_questions(db) == [] and ja.thread(KEY)[0].resolved_by == "rita"
