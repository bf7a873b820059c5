"""Markdown and JSON renderings of saved runs and of `playbook check` findings."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from .answers import STATES, Run

_MARK = {"done": "x", "n/a": "x", "not-yet": " ", None: " "}


def render(runs: list[Run], fmt: str) -> str:
    if fmt == "json":
        return (
            json.dumps([run.to_json() | {"counts": run.counts()} for run in runs], indent=2) + "\n"
        )
    return "\n".join(_markdown(run) for run in runs)


def _markdown(run: Run) -> str:
    """The run as Markdown. Item texts are the handbook's own Markdown, kept as such on one line;
    everything else a run file holds (notes, names, dates) is escaped to literal text."""
    from .terminal import md_code, md_text, text

    counts = run.counts()
    lines = [
        f"# {text(run.title)}",
        "",
        f"Playbook run of phase {md_code(run.phase)} against handbook version "
        f"{md_text(run.handbook_version)}; started {md_text(run.started_at)}, "
        f"last answer {md_text(run.updated_at)}.",
        "",
        f"**{counts['done']} done, {counts['not-yet']} not yet, {counts['n/a']} not applicable, "
        f"{counts['unanswered']} unanswered** of {len(run.answers)} items.",
    ]
    checklist = None
    for answer in run.answers:
        if answer.checklist != checklist:
            checklist = answer.checklist
            lines += ["", f"## {text(checklist)}", ""]
        state = STATES.get(answer.state or "", "unanswered")
        when = f", {md_text(answer.answered_at[:10])}" if answer.answered_at else ""
        note = f"  \n  *Note:* {md_text(answer.note)}" if answer.note else ""
        lines.append(f"- [{_MARK[answer.state]}] {text(answer.text)} (**{state}**{when}){note}")
    return "\n".join(lines) + "\n"


def render_findings(
    findings: list, checks: tuple, fmt: str, target: Any = None, colour: bool = False
) -> str:
    """Findings as text, Markdown or JSON; the first line names the server that was checked.

    Object names and evidence come from the checked database, whose owner may be hostile: they
    are escaped so they can neither forge lines nor drive the terminal, nor break the Markdown.
    The SQL of a fix is printed line for line, unwrapped, so that it can be copied.
    """
    from datetime import UTC, datetime

    from . import terminal

    if fmt == "json":
        document = {
            "server": None if target is None else asdict(target),
            "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "checks": [c.name for c in checks],
            "findings": [f.as_dict() for f in findings],
        }
        return json.dumps(document, indent=2) + "\n"
    counts = Counter(f.severity for f in findings)
    summary = f"{_plural(len(checks), 'check')}, {_plural(len(findings), 'finding')}: " + ", ".join(
        f"{counts[s]} {s}" for s in ("error", "warning", "info")
    )
    heading = "checked " + (target.describe() if target else "an unnamed server")
    if fmt == "markdown":
        return _findings_markdown(findings, heading, summary)
    lines = [terminal.text(heading)]
    for f in findings:
        label = f"{f.severity.upper():<8}"
        if colour:
            label = f"{_COLOURS.get(f.severity, '')}{label}\x1b[0m"
        lines.append(f"{label} {f.check}: {terminal.text(f.object)}")
        lines.append(terminal.wrap(terminal.text(f.evidence), " " * 9, limit=100))
        if f.fix:
            lines.append(_sql_lines("fix:    ", f.fix))
            lines.append(terminal.wrap(terminal.text(f"lock:   {f.lock}"), " " * 9, limit=100))
            if f.revert:
                lines.append(_sql_lines("revert: ", f.revert))
        else:
            lines.append("         fix:    a judgement call: no SQL is offered; read the handbook")
        lines.append(f"         see {terminal.text(f.link)}")
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _sql_lines(label: str, sql: str) -> str:
    from . import terminal

    return "\n".join(
        " " * 9 + (label if n == 0 else " " * len(label)) + terminal.text(line)
        for n, line in enumerate(sql.splitlines())
    )


def _findings_markdown(findings: list, heading: str, summary: str) -> str:
    from . import terminal

    lines = [f"# playbook check: {terminal.md_text(heading)}", "", summary, ""]
    if not findings:
        return "\n".join(lines) + "\n"
    lines += ["| severity | check | object | evidence |", "|---|---|---|---|"]
    for f in findings:
        lines.append(
            f"| {f.severity} | [{f.check}]({f.link}) | {terminal.md_code(f.object, True)}"
            f" | {terminal.md_cell(f.evidence)} |"
        )
    for f in findings:
        lines += ["", f"## {terminal.md_text(f.object)} ({f.check})", ""]
        if not f.fix:
            lines.append("A judgement call: no SQL is offered.")
            continue
        lines += [f"Fix, taking {terminal.md_text(f.lock)}:", "", *_md_sql(f.fix)]
        if f.revert:
            lines += ["", "Revert:", "", *_md_sql(f.revert)]
    return "\n".join(lines) + "\n"


def _md_sql(sql: str) -> list[str]:
    """A fenced SQL block that no backtick run inside the SQL can close early."""
    import re

    from . import terminal

    body = [terminal.text(line) for line in sql.splitlines()]
    fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", sql)), default=0))
    return [f"{fence}sql", *body, fence]


_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "info": "\x1b[36m"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
