"""The one shape every check reports in, so text, JSON and CI annotations agree."""
from __future__ import annotations

from dataclasses import asdict, dataclass

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

    def as_dict(self) -> dict:
        return asdict(self)
