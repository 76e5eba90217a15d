"""findings.py: the one shape of every finding, and its helpers."""
from __future__ import annotations

from app.tooling.findings import ERROR, Finding, encoding_error, shorten


def test_findings_sort_by_place_and_default_to_errors():
    first, second = Finding("a.po", 3, "x", "m"), Finding("a.po", 10, "x", "m")
    assert sorted([second, first]) == [first, second] and first.severity == ERROR and first.msgctxt == ""


def test_shorten_keeps_one_line():
    assert shorten("a\nb") == "a\\nb"
    assert shorten("x" * 70, width=10) == "x" * 9 + "…"


def test_an_encoding_error_is_on_the_line_of_the_bad_byte():
    data = b"first\nsecond \xff\n"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        finding = encoding_error("a.po", err)
    assert (finding.line, finding.code) == (2, "encoding-error") and "UTF-8" in finding.message
