"""What the last test runs proved, for the site to show: the results file.

The test suite writes it at the end of a run (`.dbarch/results.json`, or DBARCH_RESULTS): per
example and per claim test, on which engine version it passed, failed or was skipped and why,
with the commit and the time of the run; and the measurements claim tests record (a restore's
RTO, say). Runs merge: a run of one chapter, or of one version of the matrix, updates what it
ran and keeps the rest. The site build reads it; without it a page says it was not verified in
this build.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import paths


def path() -> Path:
    return Path(os.environ.get("DBARCH_RESULTS") or paths.DOCS.parent / ".dbarch" / "results.json")


def load() -> dict[str, Any]:
    """The results file, or an empty one when there is none (or it cannot be read)."""
    try:
        data = json.loads(path().read_text())
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    for section in ("examples", "measurements", "claims"):
        data.setdefault(section, {})
    return data


def commit() -> str:
    """The checkout's commit, `+` when the working tree differs from it; "" outside git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=10", "HEAD"],
            cwd=paths.DOCS.parent,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=paths.DOCS.parent,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return head + ("+" if head and dirty else "")


def merge(
    examples: dict[str, dict[str, Any]],
    measurements: dict[str, Any],
    claims: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """Add one run's outcomes (example id, or claim test id → {version label → outcome}) and
    measurements (key → value) to the results file, each stamped with this run's commit and
    time; atomically."""
    data = load()
    stamp = {"commit": commit(), "at": datetime.now(UTC).isoformat(timespec="seconds")}
    for section, outcomes in (("examples", examples), ("claims", claims or {})):
        for test, by_version in outcomes.items():
            for version, outcome in by_version.items():
                data[section].setdefault(test, {})[version] = {**outcome, **stamp}
    for key, value in measurements.items():
        data["measurements"][key] = {"value": value, **stamp}
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".results-")
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(temp, target)
    return target
