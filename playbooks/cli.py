"""The `playbook` command: walk a phase's checklist, keep every answer, check a live database.

Start-up must stay fast: only argparse is imported here; each command imports what it needs.
"""

from __future__ import annotations

import argparse
import io
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
    from .terminal import plural, text

    for phase in phases():
        run = _load_run(state_file(_runs_dir(args), phase.name))
        progress = "not started"
        if run is not None:
            answered = sum(1 for a in run.answers if a.state)
            progress = f"{answered}/{len(run.answers)} answered, {len(run.open_items)} open"
        items = plural(len(phase.items), "item")
        print(f"{phase.name:<20} {text(phase.title)}  ({items}; {progress})")
        for checklist in phase.checklists:
            count = sum(1 for i in phase.items if i.checklist == checklist)
            print(f"    {count:>3}  {text(checklist)}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from .terminal import text, wrap

    phase = _phase(args.phase)
    if args.format == "json":
        import json

        items = [{"checklist": i.checklist, "action": i.action, "why": i.why} for i in phase.items]
        print(json.dumps({"phase": phase.name, "title": phase.title, "items": items}, indent=2))
        return EXIT_OK
    markdown = args.format == "markdown"
    print(f"# {text(phase.title)}" if markdown else text(phase.title))
    for checklist in phase.checklists:
        print(f"\n## {text(checklist)}\n" if markdown else f"\n{text(checklist)}")
        for item in (i for i in phase.items if i.checklist == checklist):
            if markdown:
                print(f"- [ ] {text(item.text)}")
                continue
            action = wrap(text(item.action), "      ")
            print("  [ ] " + action[6:])
            if item.why:
                print(wrap(text(item.why), " " * 8))
    return EXIT_OK


# --- run ---------------------------------------------------------------------------------------


def _update(path: Path, phase, change, restart: bool = False):
    """The saved run after `change`, under the run file's lock; CliError when it cannot be."""
    from .answers import AnswersError, update

    try:
        return update(path, phase, change, restart=restart)
    except AnswersError as e:
        raise CliError(str(e)) from e


def cmd_run(args: argparse.Namespace) -> int:
    from .answers import state_file
    from .terminal import text

    phase = _phase(args.phase)
    path = state_file(_runs_dir(args), phase.name)
    if not args.restart:
        _load_run(path)  # a corrupt saved run is named first, whatever else is wrong
    if args.answers:
        answers_file = Path(args.answers)
        entries = _read_answers_file(answers_file)
        run, changes = _update(
            path, phase, lambda run: _apply_answers(run, entries, answers_file), args.restart
        )
        _report_changes(changes)
        return _summary(run, path)
    if not sys.stdin.isatty():
        raise CliError("playbook run needs a terminal; to answer from a file use --answers FILE")
    run, changes = _update(path, phase, lambda run: None, args.restart)
    _report_changes(changes)
    from .interactive import ask_all

    def record(answer) -> None:
        def change(saved) -> None:
            for a in saved.answers:
                if (a.checklist, a.text) == (answer.checklist, answer.text):
                    a.state, a.note, a.answered_at = answer.state, answer.note, answer.answered_at

        _update(path, phase, change)

    try:
        finished = ask_all(run, record, path)
    except KeyboardInterrupt:
        print(f"\ninterrupted; every answer so far is saved in {text(path)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except EOFError:
        print()  # off the prompt's line; stderr gets the one line of the error
        raise CliError(
            f"end of input at the note prompt; the answer is saved in {path} without a note"
        ) from None
    if not finished:
        print(f"stopped; answers saved in {text(path)}. Resume with: playbook run {phase.name}")
        return EXIT_OK
    _summary(run, path)
    return EXIT_OK


def _report_changes(changes) -> None:
    from .terminal import text

    for line in changes.lines():
        print(f"checklist changed since this run began: {text(line)}", file=sys.stderr)


def _apply_answers(run, entries: dict, path: Path) -> None:
    import difflib

    from .answers import STATES, AnswersError, check_note, now

    by_action: dict[str, list] = {}
    for answer in run.answers:  # the action, the whole text, and each without backticks
        for key in {_action(answer.text), answer.text}:
            for spelling in {key, key.replace("`", "")}:
                by_action.setdefault(spelling, []).append(answer)
    aliases = {"not yet": "not-yet", "notyet": "not-yet", "na": "n/a", "not applicable": "n/a"}
    for key, value in entries.items():
        if not isinstance(key, str):
            raise CliError(f"{path}: {key!r}: a key must be an item's text, as a string")
        targets = by_action.get(key.strip()) or by_action.get(key.strip().replace("`", ""))
        if not targets:
            close = difflib.get_close_matches(key, list(by_action), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise CliError(f"{path}: no item {key[:200]!r} in phase {run.phase}{hint}")
        if len({id(t) for t in targets}) > 1:
            raise CliError(f"{path}: {key!r} matches several items; use the item's whole text")
        state, note = value, ""
        if isinstance(value, dict):
            if not set(value) <= {"state", "note"}:
                raise CliError(f"{path}: {key!r}: expected {{state: …, note: …}}")
            state, note = value.get("state"), value.get("note") or ""
        if not isinstance(state, str):
            raise CliError(f"{path}: {key!r}: state must be one of {', '.join(STATES)}")
        state = aliases.get(state.strip().lower(), state.strip().lower())
        if state not in STATES:
            raise CliError(f"{path}: {key!r}: state must be one of {', '.join(STATES)}")
        try:
            note = check_note(note, f"{path}: {key!r}")
        except AnswersError as e:
            raise CliError(str(e)) from e
        targets[0].state, targets[0].note, targets[0].answered_at = state, note, now()


def _action(text: str) -> str:
    from .checklist import Item

    return Item("", text, 0).action


def _read_answers_file(path: Path) -> dict:
    import json

    from .answers import AnswersError, read_capped

    try:
        text = read_capped(path)
    except AnswersError as e:
        raise CliError(str(e)) from e
    except OSError as e:
        raise CliError(f"{path}: cannot read it ({e.strerror})") from e
    try:
        data = json.loads(text)
    except RecursionError:
        raise CliError(f"{path}: nested too deeply") from None
    except ValueError:
        data = _read_yaml(text, path)
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        raise CliError(f"{path}: expected a mapping of item → state (or {{state, note}})")
    return data


def _read_yaml(text: str, path: Path):
    """Safe YAML without aliases: an alias can multiply a small file into gigabytes."""
    import yaml

    class NoAliases(yaml.SafeLoader):
        def compose_node(self, parent, index):  # noqa: ANN001, ANN202 (PyYAML's signature)
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise CliError(
                    f"{path}: line {event.start_mark.line + 1}: YAML aliases "
                    f"(*{event.anchor}) are not accepted in an answers file"
                )
            return super().compose_node(parent, index)

    try:
        return yaml.load(text, Loader=NoAliases)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as e:
        raise CliError(f"{path}: neither JSON nor YAML ({type(e).__name__})") from e
    except RecursionError:
        raise CliError(f"{path}: nested too deeply") from None


def _summary(run, path: Path) -> int:
    from .terminal import text

    counts = run.counts()
    print(
        f"{text(run.title)}: {counts['done']} done, {counts['not-yet']} not yet, "
        f"{counts['n/a']} not applicable, {counts['unanswered']} unanswered — "
        f"saved in {text(path)}"
    )
    for answer in run.open_items:
        print(f"  open: {text(_action(answer.text))}")
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
        from .answers import AnswersError, write_atomic
        from .terminal import text as plain

        try:  # creates missing folders, as `-o decisions/indexing.md` in the README expects
            write_atomic(Path(args.output), text)
        except AnswersError as e:
            raise CliError(str(e)) from e
        print(f"report written to {plain(args.output)}")
    else:
        print(text, end="")
    return EXIT_OK


# --- check -------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from . import checks_mysql
    from .report import render_findings

    checks = checks_mysql.for_dsn(
        args.dsn if args.dsn is not None else os.environ.get("DATABASE_URL")
    )
    if args.list:
        for check in checks.CHECKS:
            print(f"{check.name:<28} {check.phase:<20} {check.title}")
        return EXIT_OK
    try:
        selected = checks.select(args.only, args.skip, args.phase)
    except ValueError as e:
        raise CliError(str(e)) from None
    if not selected:
        phases = sorted({c.phase for c in checks.CHECKS})
        raise CliError(
            f"no check left to run (phases with checks: {', '.join(phases)}; see --list)"
        )
    if args.min_stats_age < 0:
        raise CliError("--min-stats-age takes a number of days, 0 or more")
    dsn = args.dsn if args.dsn is not None else os.environ.get("DATABASE_URL")
    if dsn is None:
        raise CliError("no database to check: give --dsn URL (or set DATABASE_URL)")
    try:
        conn = checks.connect_read_only(dsn)
    except checks.ConnectError as e:
        raise CliError(str(e)) from None
    with conn:
        target = checks.target(conn)
        findings = checks.run(conn, selected, min_stats_age_days=args.min_stats_age)
    print(render_findings(findings, selected, args.format, target, colour=_colour()), end="")
    if args.fail_on == "never":
        return EXIT_OK
    threshold = checks.SEVERITIES.index(args.fail_on)
    worst = max((checks.SEVERITIES.index(f.severity) for f in findings), default=-1)
    return EXIT_OPEN if worst >= threshold else EXIT_OK


def _colour() -> bool:
    from .terminal import use_colour

    return use_colour(sys.stdout)


# --- sandbox -----------------------------------------------------------------------------------


def cmd_sandbox(args: argparse.Namespace) -> int:
    from .sandbox import serve

    return serve(args.orders)


# --- the parser --------------------------------------------------------------------------------

EPILOG = """\
examples:
  playbook list                  phases, checklists, progress of saved runs
  playbook show indexing         one phase's checklist (--format markdown|json)
  playbook run indexing          answer it item by item; resumes where you left
  playbook run indexing --answers answers.yaml
                                 from a file (CI); exit 1 while items are open
  playbook report indexing > DESIGN-indexing.md
  playbook check --dsn postgresql://app@db/shop --fail-on warning
  playbook sandbox               a throwaway PostgreSQL with the sample schema

Runs are saved in ./.playbook/ (change with --dir or PLAYBOOK_DIR).
Exit status: 0 all done, 1 items open (or findings at --fail-on), 2 bad input,
130 interrupted.
"""


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="playbook",
        description="Work through the dbarch handbook's checklists from the terminal, keep\n"
        "every answer, and check a live PostgreSQL, MySQL or MariaDB database with the\n"
        "handbook's own queries.",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"playbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help: str, example: str) -> argparse.ArgumentParser:
        import textwrap

        return sub.add_parser(
            name,
            help=help,
            description=textwrap.fill(help, 78),
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
        "playbook run indexing       (keys: d n a, or ←/→ and Enter; q or Ctrl-C stops)\n"
        "  playbook run indexing --answers answers.yaml\n\n"
        "answers.yaml (YAML or JSON) maps an item's text, before the dash, to its state:\n"
        '  "Name the query the index is for, with its real parameters": done\n'
        '  "Check `stats_reset` before trusting a zero": {state: n/a, note: "no reset"}\n\n'
        "Every answer is saved as soon as it is given; a run resumes at the first\n"
        "unanswered item. With --answers the exit code is 1 while any item is open\n"
        "(not yet, or unanswered).",
    )
    p.add_argument("phase", metavar="PHASE")
    p.add_argument("--answers", metavar="FILE", help="answer from FILE instead of the terminal")
    p.add_argument("--restart", action="store_true", help="forget the saved answers and start over")
    p.add_argument("--dir", help=dir_help)
    p.set_defaults(func=cmd_run)

    p = command(
        "report",
        "write a Markdown (or JSON) record of saved runs",
        "playbook report indexing -o decisions/indexing.md   (creates decisions/)",
    )
    p.add_argument("phase", metavar="PHASE", nargs="?", help="one phase (default: every saved run)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--dir", help=dir_help)
    p.set_defaults(func=cmd_report)

    p = command(
        "check",
        "run the handbook's diagnostic queries against a live PostgreSQL, MySQL or MariaDB, "
        "read-only",
        "playbook check --dsn postgresql://app@db/shop --fail-on warning\n"
        "  playbook check --dsn mysql://app@db/shop --only duplicate-indexes\n\n"
        "A mysql:// or mariadb:// URL runs the MySQL and MariaDB checks (--list\n"
        "with such a --dsn lists them). Every query runs in a read-only transaction\n"
        "limited to 5 s, waiting 1 s at most for a lock (PostgreSQL: search_path\n"
        "pinned to pg_catalog), and a server that stops answering is dropped after\n"
        "8 s. Never run it as a superuser: on PostgreSQL use a role granted\n"
        "pg_monitor; on MySQL and MariaDB an account with SELECT on the database and\n"
        "on performance_schema. Each finding prints the SQL that fixes it, the lock\n"
        "that SQL takes, and its revert. Exit 1 when a finding reaches --fail-on, 2\n"
        "when the database cannot be reached.",
    )
    p.add_argument(
        "--dsn",
        help="a libpq connection string, a postgresql:// URL, or a mysql:// or mariadb:// "
        "URL (default: $DATABASE_URL); its password is never printed",
    )
    p.add_argument("--phase", help="only the checks of this phase")
    p.add_argument("--only", metavar="ID,…", help="only these checks (ids as --list shows them)")
    p.add_argument("--skip", metavar="ID,…", help="every check but these")
    p.add_argument("--list", action="store_true", help="print the catalogue of checks and exit")
    p.add_argument(
        "--min-stats-age",
        type=int,
        default=7,
        metavar="DAYS",
        help="usage statistics younger than this only give info findings (default 7)",
    )
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

    p = command(
        "lint",
        "check PostgreSQL migrations (MariaDB and MySQL ones with --engine mariadb) for "
        "locks, rewrites and scans before they run",
        "playbook lint db/migrations/ --format github\n\n"
        "Exit 0 clean, 1 when a warning or error is found (info does not fail),\n"
        "2 when an input cannot be read. Silence one statement with a comment on\n"
        "it or on the line before it:\n"
        "  -- playbook: ignore drop-column no release has read it since 2026.11",
    )
    p.add_argument("files", metavar="FILE", nargs="*", help="SQL files, directories, or - (stdin)")
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument(
        "--pg-version",
        type=int,
        metavar="N",
        help="the PostgreSQL major version the migrations will run on (12-18; default: the "
        "--dsn server's, else 18)",
    )
    p.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    p.add_argument(
        "--dsn",
        help="read-only: table sizes turn findings into estimated blocking times, and foreign "
        "keys that an existing index covers are not reported",
    )
    p.add_argument(
        "--queries", action="store_true", help="the files hold application queries, not migrations"
    )
    p.add_argument(
        "--engine",
        choices=("postgres", "mariadb"),
        default="postgres",
        help="the files' dialect: mariadb for MariaDB and MySQL migrations (no --dsn or "
        "--queries with it; default postgres)",
    )
    p.set_defaults(func=cmd_lint)
    return parser


def cmd_lint(args: argparse.Namespace) -> int:
    from . import lint

    if args.pg_version is not None and args.pg_version not in lint.PG_VERSIONS:
        raise CliError(
            f"--pg-version {args.pg_version}: supported are {lint.PG_VERSIONS.start} to "
            f"{lint.PG_VERSIONS.stop - 1}"
        )
    if args.list_rules:
        print(lint.list_rules(args.pg_version or lint.DEFAULT_PG_VERSION), end="")
        return EXIT_OK
    if not args.files:
        raise CliError("name a migration file, a directory or - for stdin (or --list-rules)")
    try:
        return lint.main(
            args.files, args.format, args.pg_version, args.dsn or "", args.queries, args.engine
        )
    except lint.LintInputError as e:
        raise CliError(str(e)) from e


class _Stdout:
    """stdout for a reader that may leave early (`| head`): what is left is dropped, and the
    command ends with the exit status it would have had, not a traceback or 0."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self._stream = stream

    def write(self, s: str) -> int:
        try:
            return self._stream.write(s)
        except BrokenPipeError:
            self._drop()
            return len(s)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._drop()

    def _drop(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _error(message: str) -> int:
    from .terminal import text

    print(f"playbook: error: {text(message)}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    if not isinstance(sys.stdout, _Stdout):
        sys.stdout = _Stdout(sys.stdout)  # type: ignore[assignment]
    args = build_parser().parse_args(argv)
    try:
        status = args.func(args)
        sys.stdout.flush()
        return status
    except CliError as e:
        return _error(str(e))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except RecursionError:
        return _error("input nested too deeply")
    except OSError as e:  # e.g. a disk that filled up, a terminal that went away
        where = f"{e.filename}: " if e.filename else ""
        return _error(f"{where}{e.strerror or e}")


if __name__ == "__main__":
    sys.exit(main())
