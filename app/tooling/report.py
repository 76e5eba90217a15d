"""`check` output: a table and `path:line: code: message` lines for people, JSON for tools, annotations
for GitHub Actions, Markdown for a pull-request comment or a job summary; and the exit status. The JSON
schema is documented in docs/check-json-schema.md."""
from __future__ import annotations

import re
import string

from app.tooling.check import CheckResult
from app.tooling.findings import ERROR, Finding
from app.tooling.findings import shorten as _short

_COLUMNS = ("locale", "total", "translated", "fuzzy", "untranslated", "obsolete", "coverage", "path")


def exit_status(result: CheckResult) -> int:
    """2: some input is not a catalog at all; 1: findings at error severity; 0: none."""
    if result.unreadable:
        return 2
    return 1 if any(f.severity == ERROR for f in result.findings) else 0


def _coverage_cell(report) -> str:
    return "source" if report.source else f"{report.coverage:.1f}%"


def _catalog_cells(c) -> tuple[str, ...]:
    """One catalog's row under _COLUMNS."""
    return (_one_line(c.locale or "?"), str(c.stats.total), str(c.stats.translated), str(c.stats.fuzzy),
            str(c.stats.untranslated), str(c.stats.obsolete), _coverage_cell(c), _one_line(c.path))


def _one_line(text: str) -> str:
    """`text` on one line: a path or msgid holding a newline must not start a line of its own (in a CI log,
    a line starting with `::error` is a workflow command)."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _line(finding: Finding) -> str:
    where = _one_line(f"{finding.path}:{finding.line}" if finding.line else finding.path)
    text = f"{where}: {finding.code}: {_one_line(finding.message)}"
    if finding.msgid:
        text += f' (msgid "{_short(finding.msgid)}")'
    return text if finding.severity == ERROR else f"{text} [{finding.severity}]"


def _summary(result: CheckResult) -> str:
    errors = sum(f.severity == ERROR for f in result.findings)
    warnings = len(result.findings) - errors
    unreadable = f", {len(result.unreadable)} unreadable" if result.unreadable else ""
    since = f" (new since {result.since})" if result.since is not None else ""
    return (f"{_count(len(result.catalogs), 'catalog')}, {_count(errors, 'error')}, "
            f"{_count(warnings, 'warning')}{unreadable}{since}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def render_text(result: CheckResult) -> str:
    rows = [_COLUMNS] + [_catalog_cells(c) for c in result.catalogs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS) - 1)]
    lines = []
    if result.catalogs:
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [cell.rjust(width)
                                                 for cell, width in zip(row[1:-1], widths[1:], strict=True)]
            lines.append("  ".join(cells + [_one_line(row[-1])]))
        lines.append("")
    lines.extend(_line(f) for f in result.findings)
    if result.findings:
        lines.append("")
    lines.extend(_editor_lines(result))
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"


def _editor_lines(result: CheckResult) -> list[str]:
    """What the editor holds that is not in the catalogs yet: suggestions and questions about English."""
    lines = [_one_line(f"{locale}: {count} awaiting review (suggestions, not translations yet)")
             for locale, count in sorted(result.awaiting_review.items()) if count]
    if result.source_questions:
        lines.append(f"{_count(len(result.source_questions), 'open question')} about English strings "
                     "(--format json lists them)")
    return lines + [""] if lines else lines


def render_json(result: CheckResult) -> str:
    import json  # here: the other formats do without it

    document = {
        "since": result.since,
        "catalogs": [
            {"path": c.path, "locale": c.locale, "total": c.stats.total, "translated": c.stats.translated,
             "fuzzy": c.stats.fuzzy, "untranslated": c.stats.untranslated, "obsolete": c.stats.obsolete,
             "coverage": round(c.coverage, 2), "source": c.source,
             "awaiting_review": result.awaiting_review.get(c.locale, 0)}
            for c in result.catalogs
        ],
        "source_questions": result.source_questions,
        "findings": [
            {"code": f.code, "severity": f.severity, "path": f.path, "line": f.line, "msgid": f.msgid,
             "msgctxt": f.msgctxt, "message": f.message}
            for f in result.findings
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping (actions/toolkit, core/src/command.ts: escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # escapeProperty: escapeData plus ":" and "," which separate properties.
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult) -> str:
    """One `::error`/`::warning` workflow command per finding, then the summary as plain log text."""
    lines = []
    for f in result.findings:
        properties = [f"file={_escape_property(f.path)}"]
        if f.line:
            properties.append(f"line={f.line}")
        properties.append(f"title={_escape_property(f.code)}")
        message = f.message + (f' (msgid "{_short(f.msgid)}")' if f.msgid else "")
        lines.append(f"::{f.severity} {','.join(properties)}::{_escape_data(message)}")
    # Plain log lines (which the runner shows as written) stay one line each and never start with "::": a
    # locale directory whose name holds a newline or "::error" must not become a workflow command.
    lines.extend(_one_line(f"catalog {c.locale or '?'}: {c.stats.translated}/{c.stats.total} translated, "
                              f"{_coverage_cell(c)} ({c.path})") for c in result.catalogs)
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"


# Markdown: every ASCII punctuation character may be backslash-escaped (CommonMark 2.4), which leaves no
# markup, HTML, entity, autolink or table pipe in untrusted text; a table cell cannot hold a line break.
_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")
_MARKDOWN_BUDGET = 60_000  # characters of finding rows: a pull-request comment holds 65,536


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", re.sub(r"\r\n|[\r\n]", " ", text))


def _md_row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def render_markdown(result: CheckResult) -> str:
    """A verdict, a table of the catalogs and one of the findings, for a pull-request comment or
    $GITHUB_STEP_SUMMARY. Everything from a catalog, template or the command line is escaped."""
    failed = exit_status(result)
    verdict = "failed" if failed else "passed"
    since = f" (findings new since {_md(result.since)})" if result.since is not None else ""
    lines = [f"### Translation check {verdict}{since}", "", f"**{_md(_summary(result))}**", ""]
    if result.catalogs:
        lines += [_md_row(_COLUMNS), "|---|" + "--:|" * (len(_COLUMNS) - 2) + "---|"]
        lines += [_md_row(map(_md, _catalog_cells(c))) for c in result.catalogs]
        lines.append("")
    if result.findings:
        lines += [_md_row(("severity", "code", "where", "msgctxt", "msgid", "message")), "|---|---|---|---|---|---|"]
        budget, shown = _MARKDOWN_BUDGET, 0
        for f in result.findings:
            where = f"{f.path}:{f.line}" if f.line else f.path
            row = _md_row(map(_md, (f.severity, f.code, where, f.msgctxt, _short(f.msgid), f.message)))
            budget -= len(row) + 1
            if budget < 0:
                break
            lines.append(row)
            shown += 1
        hidden = len(result.findings) - shown
        if hidden:
            lines += ["", f"… and {_count(hidden, 'more finding')}: run the check locally for all of them."]
        lines.append("")
    return "\n".join(lines)
