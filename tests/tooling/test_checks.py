"""Per-message quality checks."""
from __future__ import annotations

import pytest

from app.tooling.checks import markup_problem


@pytest.mark.parametrize(("msgid", "msgstr"), [
    ('<b>Hello</b> <a href="/x">link</a>', '<a href="/ja/x">リンク</a>の<b>こんにちは</b>'),
    ("Tom &amp; Jerry", "トム&amp;ジェリー"),
    ("a < b", "a < b"),
    ("x<y", "x<y"),
    ("<br>", "<br/>"),
    ("<p>a</p>", "<P>あ</P>"),
    ('<a href="/x" title="t">a</a>', '<a title="タイトル" href="https://example.jp/">あ</a>'),
    ("Plain", "プレーン"),
])
def test_legitimate_translations_have_no_markup_problem(msgid, msgstr):
    assert markup_problem(msgid, msgstr) is None


@pytest.mark.parametrize(("msgid", "msgstr", "reason"), [
    ("Hello", "<script>alert(1)</script>", "adds <script>"),
    ("<script>x</script>", "<script>y</script>", "adds <script>"),
    ("<b>Hi</b>", '<b onclick="x()">Hi</b>', "event-handler attribute onclick="),
    ('<a href="/x">Hi</a>', '<a href="javascript:alert(1)">Hi</a>', "javascript: URL"),
    ('<a href="/x">Hi</a>', '<a href=" JaVa&#x09;script:alert(1)">Hi</a>', "javascript: URL"),
    ('<a href="/x">Hi</a>', '<a href="data:text/html,x">Hi</a>', "data: URL"),
    ('<a href="/x">Hi</a>', '<a href="/x" target="_blank">Hi</a>', "adds attribute target="),
    ("<b>Hi</b>", "<i>Hi</i>", "adds <i>"),
    ("<b>Hi</b>", "<b>Hi</b><img src=x onerror=alert(1)>", "adds <img>"),
    ("<b>Hi</b>", "<b>Hi</b><svg/onload=alert(1)>", "adds <svg>"),
    ("<b>Hi</b>", "<b>Hi</b><!-- x -->", "comment"),
    ("<b>Hi</b>", "<b>Hi</b><b", "never closed"),
    ('<span style="color:red">a</span>', '<span style="color:blue">a</span>', "changes style="),
])
def test_unsafe_translations_have_a_reason(msgid, msgstr, reason):
    problem = markup_problem(msgid, msgstr)
    assert problem is not None and reason in problem
