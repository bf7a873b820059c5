"""At the root so that the plugin is loaded whatever path pytest is given (docs/ or tests/)."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["playbooks.testing"]

ROOT = Path(__file__).resolve().parent


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".woff2": "font/woff2",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class BuiltSite:
    url: str  # where it is served, and the site_url it was built for
    root: Path
    build: subprocess.CompletedProcess  # the `mkdocs build --strict` run


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """The handbook built once per run with `mkdocs build --strict` for, and served on, a free
    local port: the site test and the browser test look at the same build. (Under xdist, both
    are in the xdist group "site", so one worker builds it.)"""
    root = tmp_path_factory.mktemp("site")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(root)],
        cwd=ROOT,
        env={
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "DBARCH_SITE_URL": url,
            # A GitHub repository, as a published build has: Material's script would fetch its
            # stars and forks from GitHub's API unless docs/overrides/partials/source.html
            # removes that, and the browser test sees every request.
            "DBARCH_REPO_URL": os.environ.get(
                "DBARCH_REPO_URL", "https://github.com/example/dbarch"
            ),
        },
        capture_output=True,
        text=True,
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield BuiltSite(url, root, build)
    server.shutdown()
    server.server_close()
