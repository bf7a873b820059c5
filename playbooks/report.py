"""Markdown and JSON renderings of saved runs and of `playbook check` findings."""

from __future__ import annotations

import json
from collections import Counter

from .answers import STATES, Run

_MARK = {"done": "x", "n/a": "x", "not-yet": " ", None: " "}


def render(runs: list[Run], fmt: str) -> str:
    if fmt == "json":
        return (
            json.dumps([run.to_json() | {"counts": run.counts()} for run in runs], indent=2) + "\n"
        )
    return "\n".join(_markdown(run) for run in runs)


def _markdown(run: Run) -> str:
    counts = run.counts()
    lines = [
        f"# {run.title}",
        "",
        f"Playbook run of phase `{run.phase}` against handbook version {run.handbook_version}; "
        f"started {run.started_at}, last answer {run.updated_at}.",
        "",
        f"**{counts['done']} done, {counts['not-yet']} not yet, {counts['n/a']} not applicable, "
        f"{counts['unanswered']} unanswered** of {len(run.answers)} items.",
    ]
    checklist = None
    for answer in run.answers:
        if answer.checklist != checklist:
            checklist = answer.checklist
            lines += ["", f"## {checklist}", ""]
        state = STATES.get(answer.state or "", "unanswered")
        when = f", {answer.answered_at[:10]}" if answer.answered_at else ""
        note = f"  \n  *Note:* {answer.note}" if answer.note else ""
        lines.append(f"- [{_MARK[answer.state]}] {answer.text} (**{state}**{when}){note}")
    return "\n".join(lines) + "\n"


def render_findings(findings: list, checks: tuple, fmt: str) -> str:
    if fmt == "json":
        return (
            json.dumps(
                {"findings": [f.as_dict() for f in findings], "checks": [c.name for c in checks]},
                indent=2,
            )
            + "\n"
        )
    counts = Counter(f.severity for f in findings)
    summary = f"{len(checks)} checks, {len(findings)} findings: " + ", ".join(
        f"{counts[s]} {s}" for s in ("error", "warning", "info")
    )
    if fmt == "markdown":
        lines = ["# playbook check", "", summary, ""]
        if findings:
            lines += ["| severity | check | object | evidence |", "|---|---|---|---|"]
            for f in findings:
                lines.append(
                    f"| {f.severity} | [{f.check}]({f.link}) | `{f.object}` | {f.evidence} |"
                )
        return "\n".join(lines) + "\n"
    lines = []
    for f in findings:
        lines.append(
            f"{f.severity.upper():<8} {f.check}: {f.object}\n         {f.evidence}\n"
            f"         see the handbook: {f.link}"
        )
    lines.append(summary)
    return "\n".join(lines) + "\n"
