"""Tasks: ``invoke build``, ``serve``, ``validate``, ``clean``, ``test``, ``lint``."""

import contextlib
import functools
import http.server
import shutil
import sys
from pathlib import Path

from invoke import Exit, task

HERE = Path(__file__).parent
OUTPUT = HERE / "output"


def _cli(*args: str) -> None:
    from generator.cli import main

    status = main(["--settings", str(HERE / "pelicanconf.py"), *args])
    if status:
        raise Exit(code=status)


@task
def validate(c):
    """Check the register and list every problem (file:line: field: message)."""
    _cli("validate")


@task
def build(c, output=str(OUTPUT)):
    """Validate, then build the site into output/ (the old site stays if anything fails)."""
    _cli("build", "--output", output)


@task
def serve(c, port=8000):
    """Serve output/ at http://localhost:8000/ (build first)."""
    if not OUTPUT.is_dir():
        raise Exit("No site in output/ yet: run 'invoke build' first.", code=1)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(OUTPUT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), handler)
    print(f"Serving output/ at http://localhost:{port}/ (Ctrl-C to stop)")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


@task
def clean(c):
    """Delete the built site and its leftovers."""
    for path in (OUTPUT, HERE / "output.building", HERE / "output.previous"):
        shutil.rmtree(path, ignore_errors=True)


@task
def test(c):
    """Run the test suite."""
    c.run(f"{sys.executable} -m pytest", pty=False)


@task
def lint(c):
    """Check formatting and lint with ruff."""
    c.run("ruff format --check . && ruff check .")
