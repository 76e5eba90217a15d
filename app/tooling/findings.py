"""The one shape every check reports in, so text, JSON and CI annotations agree."""
from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    code: str
    message: str
    msgid: str = ""
    severity: str = ERROR
    msgctxt: str = ""  # the entry's context, with msgid naming the entry; last, so positional uses keep working


def shorten(text: str, width: int = 60) -> str:
    """A msgid as one short line, for messages and reports."""
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else text[:width - 1] + "…"


def encoding_error(path: str, err: UnicodeDecodeError) -> Finding:
    """An `encoding-error` finding on the line of the first byte that is not valid in the encoding."""
    data = err.object if isinstance(err.object, bytes) else b""
    return Finding(path, data.count(b"\n", 0, err.start) + 1, "encoding-error",
                   f"not {err.encoding.upper()}: {err.reason} at byte {err.start}")
