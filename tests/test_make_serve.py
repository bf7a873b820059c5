"""`make serve`: a port of one's choice, one line when the port is taken, and a venv with the docs
extra only (not the test stack)."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from playbooks.engines._process import free_port

ROOT = Path(__file__).parents[1]


def make_serve(*args: str, **kwargs) -> subprocess.Popen:
    # -o: never reinstall the venv from a test, whatever pyproject.toml's time stamp says
    return subprocess.Popen(
        ["make", "--no-print-directory", "-o", ".venv/.docs-installed", "serve", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_a_taken_port_is_one_line_with_the_way_out() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = make_serve(f"PORT={port}")
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert f"port {port} on 127.0.0.1 is taken; choose another: make serve PORT={port + 1}" in err
    proc = make_serve("PORT=http")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and err.count("\n") == 1 and "not a port number" in err


def test_make_serve_serves_on_the_port_given() -> None:
    port = free_port()  # below the ephemeral range: make serve binds it late
    proc = make_serve(f"PORT={port}", start_new_session=True)
    try:
        deadline = time.monotonic() + 180  # the first build of the whole site
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    assert page.status == 200 and b"<html" in page.read().lower()
                    return
            except OSError:
                assert proc.poll() is None, proc.communicate()
                time.sleep(1)
        raise AssertionError(f"nothing served on port {port} after 180 s")
    finally:
        # make and mkdocs, unless they have exited already (then an assertion above says why)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=30)


def test_make_serve_installs_the_docs_extra_only_and_it_builds_the_site(tmp_path) -> None:
    """`make docs-venv` (what `make serve` needs) in a fresh venv: MkDocs and its theme, none of
    the test stack nor the CLI's drivers, and the hook (which imports playbooks from the
    checkout) builds the whole site strictly with it."""
    venv = tmp_path / "venv"
    started = time.monotonic()
    made = subprocess.run(
        ["make", "--no-print-directory", "docs-venv", f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    took = time.monotonic() - started
    assert made.returncode == 0, made.stderr[-3000:]
    python = str(venv / "bin" / "python")
    probe = (
        "import importlib.util as u; "
        "print(' '.join(m for m in ('mkdocs', 'material', 'pymdownx', 'markdown_it', 'pytest', "
        "'playwright', 'psycopg', 'pglast', 'testcontainers') if u.find_spec(m)))"
    )
    found = subprocess.run([python, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert found.stdout.split() == ["mkdocs", "material", "pymdownx", "markdown_it"], found
    size = subprocess.run(["du", "-sm", str(venv)], capture_output=True, text=True).stdout
    print(f"\nmake docs-venv: {took:.0f} s, {size.split()[0]} MB")
    site = tmp_path / "site"
    built = subprocess.run(
        [python, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Examples run on PostgreSQL" in (site / "phases/indexing/index.html").read_text()
