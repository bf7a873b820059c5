"""The `playbook` command. Keep start-up fast: heavy modules are imported inside commands."""

from __future__ import annotations

import argparse
import sys

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="playbook",
        description="Work through the dbarch handbook's checklists from the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"playbook {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    build_parser().parse_args(argv)
    print("playbook: no command yet; the checklist commands are being built.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
