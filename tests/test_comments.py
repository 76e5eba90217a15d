"""Comment threads on strings (app/comments.py) against a real editor database: what is kept, per locale,
and when a question about the English is answered."""
from __future__ import annotations

import sqlite3

import pytest

from app.comments import MAX_COMMENT_LENGTH, CommentError, Comments
from app.tooling.entry import EntryKey

HOME = EntryKey("navigation", "Home")
ESTABLISHED = EntryKey("fact label", "Established")


@pytest.fixture
def db(tmp_path):
    return tmp_path / "editor.sqlite3"


def test_a_thread_holds_its_entrys_comments_in_order_with_crlf_and_edges_cleaned(db):
    ja = Comments(db, "ja")
    first = ja.add(HOME, "alice", "  「ホーム」で良い？\r\n短い方が良いかも  ")
    ja.add(ESTABLISHED, "rita", "設置 or 設立?")
    ja.add(HOME, "rita", "Yes.")
    thread = ja.thread(HOME)
    assert [(c.id, c.user, c.text) for c in thread] == [(first, "alice", "「ホーム」で良い？\n短い方が良いかも"),
                                                        (thread[1].id, "rita", "Yes.")]
    assert all(c.locale == "ja" and c.key == HOME and not c.open_question for c in thread)
    assert ja.counts() == {HOME: 2, ESTABLISHED: 1}
    assert Comments(db, "fr").thread(HOME) == [] and Comments(db, "fr").counts() == {}


@pytest.mark.parametrize("text, reason", [(" \r\n ", "empty"), ("x" * (MAX_COMMENT_LENGTH + 1), "longer than")])
def test_an_empty_or_overlong_comment_is_refused_and_nothing_is_written(db, text, reason):
    ja = Comments(db, "ja")
    with pytest.raises(CommentError, match=reason):
        ja.add(HOME, "alice", text)
    assert ja.counts() == {}


def test_a_question_about_the_english_stays_open_until_a_reviewer_answers_it_once(db):
    ja = Comments(db, "ja")
    question = ja.add(HOME, "alice", "Is 'Home' the site or the university?", about_source=True)
    assert ja.thread(HOME)[0].open_question
    Comments(db, "fr").resolve(question, "someone")  # another locale's reviewer cannot close it
    assert ja.thread(HOME)[0].open_question
    ja.resolve(question, "rita")
    ja.resolve(question, "mallory")  # already answered: the first answer stays
    [answered] = ja.thread(HOME)
    assert answered.resolved_by == "rita" and not answered.open_question


def test_comments_share_the_callers_connection_when_given(db):
    Comments(db, "ja").add(HOME, "alice", "created the database")
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        borrowed = Comments(db, "ja", connection)
        borrowed.add(HOME, "rita", "through the request's connection")
        assert [c.text for c in borrowed.thread(HOME)] == ["created the database", "through the request's connection"]
        assert connection.execute("SELECT COUNT(*) FROM comments").fetchone()[0] == 2  # still open: not ours to close
    finally:
        connection.close()
