"""The `playbook` command: walk a phase's checklist, keep every answer, check a live database.

Start-up must stay fast: only argparse is imported here; each command imports what it needs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_OPEN, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_DIR = ".playbook"


class CliError(Exception):
    """Bad input or an unusable environment: one line on stderr, exit 2, no traceback."""


def _runs_dir(args: argparse.Namespace) -> Path:
    return Path(args.dir or os.environ.get("PLAYBOOK_DIR") or DEFAULT_DIR)


def _phase(name: str):
    import difflib

    from .checklist import phases

    known = phases()
    for phase in known:
        if phase.name == name:
            return phase
    names = [p.name for p in known]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise CliError(f"unknown phase '{name}'{hint} (phases: {', '.join(names)})")


def _load_run(path: Path):
    from .answers import AnswersError, load

    try:
        return load(path)
    except AnswersError as e:
        raise CliError(str(e)) from e


# --- list / show -------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    from .answers import state_file
    from .checklist import phases

    for phase in phases():
        run = _load_run(state_file(_runs_dir(args), phase.name))
        progress = "not started"
        if run is not None:
            answered = sum(1 for a in run.answers if a.state)
            progress = f"{answered}/{len(run.answers)} answered, {len(run.open_items)} open"
        print(f"{phase.name:<20} {phase.title}  ({len(phase.items)} items; {progress})")
        for checklist in phase.checklists:
            count = sum(1 for i in phase.items if i.checklist == checklist)
            print(f"    {count:>3}  {checklist}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    phase = _phase(args.phase)
    if args.format == "json":
        import json

        items = [{"checklist": i.checklist, "action": i.action, "why": i.why} for i in phase.items]
        print(json.dumps({"phase": phase.name, "title": phase.title, "items": items}, indent=2))
        return EXIT_OK
    markdown = args.format == "markdown"
    print(f"# {phase.title}" if markdown else phase.title)
    for checklist in phase.checklists:
        print(f"\n## {checklist}\n" if markdown else f"\n{checklist}")
        for item in (i for i in phase.items if i.checklist == checklist):
            if markdown:
                print(f"- [ ] {item.text}")
            else:
                print(f"  [ ] {item.action}" + (f"\n        {item.why}" if item.why else ""))
    return EXIT_OK


# --- run ---------------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from .answers import Run, save, state_file

    phase = _phase(args.phase)
    path = state_file(_runs_dir(args), phase.name)
    run = None if args.restart else _load_run(path)
    if run is None:
        run = Run.start(phase)
    else:
        for line in run.reconcile(phase).lines():
            print(f"checklist changed since this run began: {line}", file=sys.stderr)
    if args.answers:
        _apply_answers_file(run, Path(args.answers))
        save(run, path)
        return _summary(run, path)
    if not sys.stdin.isatty():
        raise CliError("playbook run needs a terminal; to answer from a file use --answers FILE")
    save(run, path)
    from .interactive import ask_all

    try:
        finished = ask_all(run, lambda: save(run, path), path)
    except KeyboardInterrupt:
        print(f"\ninterrupted; every answer so far is saved in {path}", file=sys.stderr)
        return EXIT_INTERRUPTED
    if not finished:
        print(f"stopped; answers saved in {path}. Resume with: playbook run {phase.name}")
        return EXIT_OK
    _summary(run, path)
    return EXIT_OK


def _apply_answers_file(run, path: Path) -> None:
    import difflib

    from .answers import STATES, now

    entries = _read_answers_file(path)
    by_action: dict[str, list] = {}
    for answer in run.answers:
        by_action.setdefault(_action(answer.text), []).append(answer)
        by_action.setdefault(answer.text, []).append(answer)
    aliases = {"not yet": "not-yet", "notyet": "not-yet", "na": "n/a", "not applicable": "n/a"}
    for key, value in entries.items():
        targets = by_action.get(str(key).strip())
        if not targets:
            close = difflib.get_close_matches(str(key), list(by_action), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise CliError(f"{path}: no item {key!r} in phase {run.phase}{hint}")
        if len(targets) > 1 and targets[0] is not targets[-1]:
            raise CliError(f"{path}: {key!r} matches several items; use the item's whole text")
        state, note = (
            (value, "")
            if not isinstance(value, dict)
            else (value.get("state"), str(value.get("note") or ""))
        )
        state = aliases.get(str(state).strip().lower(), str(state).strip().lower())
        if state not in STATES:
            raise CliError(f"{path}: {key!r}: state must be one of {', '.join(STATES)}")
        targets[0].state, targets[0].note, targets[0].answered_at = state, note, now()


def _action(text: str) -> str:
    from .checklist import Item

    return Item("", text, 0).action


def _read_answers_file(path: Path) -> dict:
    try:
        text = path.read_text()
    except OSError as e:
        raise CliError(f"{path}: cannot read it ({e.strerror})") from e
    import json

    try:
        data = json.loads(text)
    except ValueError:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise CliError(f"{path}: neither JSON nor YAML ({type(e).__name__})") from e
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        raise CliError(f"{path}: expected a mapping of item → state (or {{state, note}})")
    return data


def _summary(run, path: Path) -> int:
    counts = run.counts()
    print(
        f"{run.title}: {counts['done']} done, {counts['not-yet']} not yet, "
        f"{counts['n/a']} not applicable, {counts['unanswered']} unanswered — saved in {path}"
    )
    for answer in run.open_items:
        print(f"  open: {_action(answer.text)}")
    return EXIT_OPEN if run.open_items else EXIT_OK


# --- report ------------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    from .answers import state_file
    from .report import render

    directory = _runs_dir(args)
    if args.phase:
        _phase(args.phase)
        paths = [state_file(directory, args.phase)]
    else:
        paths = sorted(directory.glob("*.json"))
    runs = [run for run in (_load_run(p) for p in paths) if run is not None]
    if not runs:
        which = f"phase '{args.phase}'" if args.phase else "any phase"
        raise CliError(f"no saved run for {which} in {directory}/; start one with playbook run")
    text = render(runs, args.format)
    if args.output:
        Path(args.output).write_text(text)
        print(f"report written to {args.output}")
    else:
        print(text, end="")
    return EXIT_OK


# --- check -------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from . import checks
    from .report import render_findings
    from .secrets import redact

    selected = tuple(c for c in checks.CHECKS if args.phase in (None, c.phase))
    if not selected:
        phases = sorted({c.phase for c in checks.CHECKS})
        raise CliError(
            f"no check belongs to phase '{args.phase}' (phases with checks: {', '.join(phases)})"
        )
    import psycopg

    try:
        conn = checks.connect_read_only(args.dsn)
    except (psycopg.Error, psycopg.ProgrammingError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise CliError(redact(f"cannot connect: {first}", args.dsn)) from e
    with conn:
        findings = checks.run(conn, selected)
    print(redact(render_findings(findings, selected, args.format), args.dsn), end="")
    if args.fail_on == "never":
        return EXIT_OK
    threshold = checks.SEVERITIES.index(args.fail_on)
    worst = max((checks.SEVERITIES.index(f.severity) for f in findings), default=-1)
    return EXIT_OPEN if worst >= threshold else EXIT_OK


# --- sandbox -----------------------------------------------------------------------------------


def cmd_sandbox(args: argparse.Namespace) -> int:
    from .sandbox import serve

    return serve(args.orders)


# --- the parser --------------------------------------------------------------------------------

EPILOG = """\
examples:
  playbook list                          phases, checklists, progress of saved runs
  playbook show indexing                 one phase's checklist (--format markdown|json)
  playbook run indexing                  answer it item by item; resumes where you stopped
  playbook run indexing --answers a.yaml fill it from a file (CI); exit 1 while items are open
  playbook report indexing > DESIGN-indexing.md
  playbook check --dsn postgresql://app@db/shop --fail-on warning
  playbook sandbox                       a throwaway PostgreSQL with the sample schema

Runs are saved in ./.playbook/ (change with --dir or PLAYBOOK_DIR).
"""


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="playbook",
        description="Work through the dbarch handbook's checklists from the terminal, keep every "
        "answer, and check a live PostgreSQL database with the handbook's own queries.",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"playbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help: str, example: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help,
            description=help,
            epilog=f"example:\n  {example}",
            formatter_class=formatter,
        )

    dir_help = f"where runs are saved (default: $PLAYBOOK_DIR or ./{DEFAULT_DIR})"

    p = command(
        "list", "list the phases, their checklists and the progress of saved runs", "playbook list"
    )
    p.add_argument("--dir", help=dir_help)
    p.set_defaults(func=cmd_list)

    p = command("show", "print one phase's checklist", "playbook show indexing --format markdown")
    p.add_argument("phase", metavar="PHASE", help="a phase name, as `playbook list` shows it")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.set_defaults(func=cmd_show)

    p = command(
        "run",
        "answer a phase's checklist item by item: done, not yet or not applicable, with a note",
        "playbook run indexing          (keys: d n a, or ←/→ and Enter; q stops; Ctrl-C too)\n"
        "  playbook run indexing --answers answers.yaml\n\n"
        "answers file (YAML or JSON), keyed by the item's text before the dash:\n"
        '  "Name the query the index is for": done\n'
        '  "Check stats_reset before trusting a zero": {state: n/a, note: "never reset"}\n\n'
        "Every answer is saved before the next question; a run resumes at the first unanswered\n"
        "item. With --answers the exit code is 1 while any item is open (not yet, or unanswered).",
    )
    p.add_argument("phase", metavar="PHASE")
    p.add_argument("--answers", metavar="FILE", help="answer from FILE instead of the terminal")
    p.add_argument("--restart", action="store_true", help="forget the saved answers and start over")
    p.add_argument("--dir", help=dir_help)
    p.set_defaults(func=cmd_run)

    p = command(
        "report",
        "write a Markdown (or JSON) record of saved runs",
        "playbook report indexing -o docs/decisions/indexing.md",
    )
    p.add_argument("phase", metavar="PHASE", nargs="?", help="one phase (default: every saved run)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--dir", help=dir_help)
    p.set_defaults(func=cmd_report)

    p = command(
        "check",
        "run the handbook's diagnostic queries against a live PostgreSQL, read-only",
        "playbook check --dsn postgresql://app@db.internal/shop --phase indexing --fail-on warning\n\n"
        "Every query runs in a read-only transaction with statement_timeout=5s and lock_timeout=1s,\n"
        "as application_name 'playbook check'. Exit 1 when a finding reaches --fail-on.",
    )
    p.add_argument("--dsn", required=True, help="a libpq connection string or URL")
    p.add_argument("--phase", help="only the checks of this phase")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--fail-on", choices=("info", "warning", "error", "never"), default="error")
    p.set_defaults(func=cmd_check)

    p = command(
        "sandbox",
        "start a throwaway PostgreSQL loaded with the sample schema; Ctrl-C removes it",
        "playbook sandbox --orders 200000",
    )
    p.add_argument("--orders", type=int, default=20_000, help="orders to generate (default 20000)")
    p.set_defaults(func=cmd_sandbox)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as e:
        print(f"playbook: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
