"""Tasks for staff and maintainers: `invoke --list` shows them, `invoke --help TASK` one.

The staff commands are made from the command line's table (generator/arguments.py): each
task has its command's options, help and description, and runs ``generator.cli`` with the
options as given, so CI, staff and ``python -m generator`` run the same code. Only the
tasks that are not staff commands (``INVOKE_ONLY``) are written out here.
"""

import contextlib
import errno
import inspect
import io
import re
import shlex
import sys
from pathlib import Path

from invoke import Exit, Task, task

from generator import arguments

HERE = Path(__file__).parent
OUTPUT = HERE / "output"
# The Python value a task's parameter has when its option is not given.
UNSET = {"value": None, "flag": False, "list": None}


def _cli(*args: str, settings: str = "pelicanconf.py", task: str | None = None) -> None:
    from generator.cli import main

    # Messages name the task typed: "invoke report", "invoke publish" (which runs build).
    status = main(["--settings", str(HERE / settings), *args], program="invoke", task=task)
    if status:
        raise Exit(code=status)


class CommandTask(Task):
    """An invoke task that is a command of the command line: ``command`` in its table."""

    def __init__(self, body, command: str, **kwargs) -> None:
        self.command = command
        super().__init__(body, **kwargs)

    def get_arguments(self, ignore_unknown_help=None):
        """The command's options; their help is read from the table each time."""
        # invoke empties a task's help dict as it reads it, so a second reading (another
        # Collection of the same module) would show no help.
        self.help = arguments.option_help(self.command)
        return super().get_arguments(ignore_unknown_help)


def command_task(
    command: str, name: str = "", settings: str = "pelicanconf.py", doc: str = ""
) -> CommandTask:
    """The invoke task running ``command``, with its options, help and description."""
    options = arguments.options(command)

    def body(c, **given) -> None:
        _cli(*arguments.command_line(command, given), settings=settings, task=name or None)

    # invoke reads a task's options from its signature: one keyword a command's option.
    parameters = [inspect.Parameter("c", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    parameters += [
        inspect.Parameter(o.name, inspect.Parameter.KEYWORD_ONLY, default=UNSET[o.kind])
        for o in options
    ]
    body.__signature__ = inspect.Signature(parameters)
    body.__name__ = body.__qualname__ = (name or command).replace("-", "_")
    body.__doc__ = (
        doc or f"{arguments.description(command)}\n\n{arguments.example(command, 'invoke')}"
    )
    return CommandTask(
        body, command, name=name or command, positional=(), auto_shortflags=False,
        iterable=[o.name for o in options if o.kind == "list"],
    )  # fmt: skip


def _command_tasks() -> dict[str, Task]:
    # Module globals, where invoke looks for tasks; by Python name (import-progress →
    # import_progress), as a hand-written task would be.
    return {name.replace("-", "_"): command_task(name) for name in arguments.COMMANDS}


globals().update(_command_tasks())

publish = command_task(
    "build",
    name="publish",
    settings="publishconf.py",
    doc="""Build the site for publishing, with publishconf.py instead of pelicanconf.py.

    It adds the public address (PORTAL_SITEURL, for feeds, the calendar and link
    previews) and refuses a register whose git history is incomplete (REQUIRE_HISTORY).
    The options are those of build. Example: PORTAL_SITEURL=https://targets.example.gov
    invoke publish
    """,
)


@task(
    help={
        "port": "the port to serve on, from 1 to 65535 (default 8000)",
        "bind": "the address to serve on (default 127.0.0.1: this computer only)",
    }
)
def livereload(c, port=8000, bind="127.0.0.1"):
    """Build and serve the site, build it again on every change, and reload the browser.

    It watches the register (targets/), content/, theme/, the editions and pelicanconf.py;
    a change runs the build (as invoke build does), then reloads the pages open in the
    browser. A build that fails says why, and the last site built stays served: fix the
    file and save it to build again. Ctrl-C stops it. Example: invoke livereload --port 8001
    """
    live_preview(HERE / "pelicanconf.py", port, bind)


# The preview's script, from this server only; the built files never carry it.
LIVE_SCRIPT = '<script src="/livereload.js?port={port}"></script>'
# base.html's policy allows no script at all; the preview lets in its own, from this server.
NO_SCRIPT = re.compile(
    rb"(<meta http-equiv=\"Content-Security-Policy\" content=\"[^\"]*script-src )'none'"
)
# How often the watched files are looked at, in milliseconds.
POLL_MS = 800


def live_preview(settings_file: Path, port: int, bind: str) -> None:
    """``invoke livereload``: serve ``output/`` beside ``settings_file``, rebuilt on a change."""
    import asyncio

    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher
    from tornado.httpserver import HTTPServer
    from tornado.ioloop import PeriodicCallback

    sockets = _listen(port, bind)  # before the first build: a busy port is said at once
    watcher, changed = Watcher(), []
    for path in _watched(settings_file):
        watcher.watch(str(path), lambda: changed.append(True))
    watcher.examine()  # the files as they are now: what differs later is a change
    LiveReloadHandler.watcher, LiveReloadHandler.live_css = watcher, True
    output = settings_file.parent / "output"
    if not _build_once(settings_file) and not (output / "index.html").is_file():
        print("No site to serve yet: fix the problem above and save the file.", flush=True)

    def look() -> None:
        changed.clear()
        watcher.examine()
        if changed:
            print(f"Changed: {_shown(watcher.filepath)}: building again.", flush=True)
            if _build_once(settings_file):
                LiveReloadHandler.reload_waiters()
            else:
                print("The last site built is still served: fix the file and save it.", flush=True)

    async def serve() -> None:
        HTTPServer(_application(output, port)).add_sockets(sockets)
        PeriodicCallback(look, POLL_MS).start()
        host = "localhost" if bind in ("127.0.0.1", "localhost") else bind
        print(f"Serving {output}/ at http://{host}:{port}/, rebuilt and reloaded on every "
              "change (Ctrl-C to stop)", flush=True)  # fmt: skip
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    print("Stopped.", flush=True)


def _shown(path: str | None) -> str:
    """``path`` from the current folder where it is inside it (``targets/...yaml``)."""
    if path is None:  # a removed file: the watcher names one only sometimes
        return "a file was removed"
    with contextlib.suppress(ValueError):
        return str(Path(path).resolve().relative_to(Path.cwd()))
    return path


def _listen(port: int, bind: str) -> list:
    from tornado.netutil import bind_sockets

    if not 1 <= int(port) <= 65535:
        raise Exit(f"Error: --port: {port!r} must be a port number from 1 to 65535", code=2)
    try:
        return bind_sockets(int(port), bind)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise Exit(
                f"Error: port {port} is in use (by another 'invoke serve' or 'invoke "
                f"livereload'?): stop that server, or choose another port with --port {port + 1}",
                code=1,
            ) from None
        raise Exit(f"Error: cannot serve on {bind}:{port}: {exc.strerror or exc}", 1) from None


def _watched(settings_file: Path) -> list[Path]:
    """What the build reads: the register, content, themes, editions and the settings."""
    from generator.build import read_settings
    from generator.pelicansettings import portal_settings
    from generator.portaltheme import theme_folder
    from generator.register.errors import PortalError

    try:
        settings = read_settings(settings_file)
        portal = portal_settings(settings)
    except PortalError:  # the build says what is wrong, as invoke build would
        _build_once(settings_file)
        raise Exit(code=1) from None
    # The portal's own theme too (theme/ of a checkout, for maintainers), as the build does.
    paths = [portal.targets_path, portal.content_path, Path(settings.get("THEME", "theme")),
             theme_folder(), portal.editions_path, settings_file]  # fmt: skip
    return list(dict.fromkeys(path.resolve() for path in paths))


def _build_once(settings_file: Path) -> bool:
    """Build as ``invoke build`` does, printing its summary or its error; True if built."""
    from generator.cli import main

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["--settings", str(settings_file), "build"], program="invoke")
    # The summary without the hint after it (open the site or serve it): it is served here.
    for line in printed.getvalue().splitlines()[:1]:
        print(line, flush=True)
    if status in (130, 143):  # Ctrl-C (or SIGTERM) stopped the build: stop serving too
        raise KeyboardInterrupt
    return status == 0


def _application(output: Path, port: int):
    """The server: the built files, each page with the preview's script, and livereload's
    own endpoints (the script and the websocket it reloads the page through)."""
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
    from tornado import web

    class LiveScript(web.OutputTransform):
        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            if status_code == 200 and "html" in headers.get("Content-Type", ""):
                page = with_live_script(chunk, port)
                if "Content-Length" in headers:
                    length = int(headers["Content-Length"]) + len(page) - len(chunk)
                    headers["Content-Length"] = str(length)
                chunk = page
            return status_code, headers, chunk

    files = {"path": str(output), "default_filename": "index.html"}
    return web.Application(
        [(r"/livereload", LiveReloadHandler), (r"/livereload.js", LiveReloadJSHandler),
         (r"/(.*)", StaticFileHandler, files)],
        transforms=[LiveScript],
    )  # fmt: skip


def with_live_script(page: bytes, port: int) -> bytes:
    """``page`` as the preview serves it: with its script, which the page's policy allows."""
    if b"</head>" not in page:
        return page
    page = NO_SCRIPT.sub(rb"\1'self'", page, count=1)
    return page.replace(b"</head>", LIVE_SCRIPT.format(port=port).encode() + b"</head>", 1)


@task
def translations(c):
    """Bring the interface catalogs in line with the code: new strings in, removed ones out.

    Then translate every empty msgstr in generator/locale/<lang>/LC_MESSAGES/messages.po
    (the tests fail while one is empty). Example: invoke translations
    """
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    pot = "generator/locale/messages.pot"
    c.run(
        f"{pybabel} extract -F babel.cfg -k N_ --no-location --sort-output --omit-header -o {pot} ."
    )
    c.run(f"{pybabel} update -i {pot} -d generator/locale -D messages --no-fuzzy-matching")


@task
def clean(c):
    """Delete the built site and what builds keep beside it (refused while a build runs)."""
    from generator.outputs import clean as clean_output
    from generator.register.errors import PortalError

    try:
        clean_output(OUTPUT)
    except PortalError as exc:
        raise Exit(f"Error: {exc}", code=1) from None


@task
def test(c):
    """Run the test suite."""
    c.run(f"{sys.executable} -m pytest", pty=False)


@task
def golden(c):
    """Refresh tests/expected/sample-site.sha256, the hashes of every file of the built sample.

    Run it only when a change is meant to alter the site, then commit the manifest with it:
    the test suite compares every build of the sample with it, byte for byte.
    """
    c.run(f"{sys.executable} -m pytest -q tests/test_golden.py", env={"UPDATE_GOLDEN": "1"})


@task
def lint(c):
    """Check formatting and lint with ruff (the one the test set-up installs)."""
    # This environment's ruff, found without activating it: `.venv/bin/invoke lint` works.
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.is_file():
        raise Exit(
            f"Error: ruff is not installed beside {sys.executable}: install the test set-up, "
            "pip install -e '.[test]' (the README's second command)",
            code=1,
        )
    ruff = shlex.quote(str(ruff))
    with c.cd(str(HERE)):
        c.run(f"{ruff} format --check . && {ruff} check .")


@task(
    help={
        "targets": "how many synthetic targets to build (default 1000; try 10000)",
        "quarters": "progress entries per target (default 12)",
        "work_dir": "folder for the synthetic sites, kept afterwards (default: a temp folder)",
    }
)
def bench(c, targets=1000, quarters=12, work_dir=None):
    """Benchmark the build against plain Pelican and print times, memory and page weight.

    Example: invoke bench --targets 10000
    """
    args = ["--targets", str(targets), "--quarters", str(quarters)]
    args += ["--work-dir", work_dir] if work_dir is not None else []
    with c.cd(str(HERE)):
        c.run(shlex.join([sys.executable, "-m", "benchmarks.run", *args]), pty=False)


CONSTRAINTS = HERE / "constraints.txt"
LOCK_HEADER = """\
# The exact version of every Python package the project installs, direct and transitive,
# as resolved on Python {python}. Every install uses it:
#   pip install -c constraints.txt -e '.[test]'
# Made by 'invoke lock' (CONTRIBUTING.md, "Dependencies"): do not edit it by hand.
"""


@task(
    help={
        "upgrade": "resolve every package afresh, to the newest versions pyproject.toml allows "
        "(default: keep each current pin that still fits)",
        "venv": "freeze this virtual environment instead of installing into a fresh one "
        "(quicker; it must hold only what pyproject.toml installs)",
        "output": "the file to write (default: constraints.txt)",
    }
)
def lock(c, upgrade=False, venv=None, output=str(CONSTRAINTS)):
    """Pin every Python package the project installs in constraints.txt, from a fresh venv.

    Run it after changing the dependencies in pyproject.toml, then commit constraints.txt
    with the change. Example: invoke lock (or invoke lock --upgrade for newer versions)
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kpi-lock-") as scratch:
        venv = venv or _fresh_venv(c, Path(scratch) / "venv", upgrade)
        python = Path(venv) / "bin" / "python"
        if not python.exists():
            raise Exit(f"Error: --venv: {venv} is not a virtual environment (no bin/python)", 1)
        # --all: pip leaves setuptools out of a freeze on Python < 3.12, yet the test extra
        # needs it; pip itself is not the project's to pin.
        freeze = [str(python), "-m", "pip", "freeze", "--all", "--exclude-editable"]
        frozen = c.run(shlex.join(freeze), hide=True).stdout.splitlines()
        version = c.run(shlex.join([str(python), "-c", PY_VERSION]), hide=True).stdout.strip()
    pins = [line for line in frozen if line and not line.startswith(("#", "pip=="))]
    pins.sort(key=lambda pin: pin.split("==")[0].lower().replace("_", "-").replace(".", "-"))
    text = LOCK_HEADER.format(python=version) + "\n".join(pins) + "\n"
    Path(output).write_text(text, encoding="utf-8")
    print(f"Wrote {len(pins)} pins to {output}")


def _fresh_venv(c, venv: Path, upgrade: bool) -> Path:
    """A new venv at ``venv`` holding the project with its test extra, as a clone installs it."""
    c.run(shlex.join([sys.executable, "-m", "venv", str(venv)]))
    pins = [] if upgrade or not CONSTRAINTS.exists() else ["-c", str(CONSTRAINTS)]
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    if not c.run(shlex.join([*pip, *pins, "-e", f"{HERE}[test]"]), warn=True).ok:
        raise Exit(
            "Error: the packages could not be installed with the current pins (see pip's "
            "message above). If pyproject.toml now asks for a version that constraints.txt "
            "does not allow, run: invoke lock --upgrade",
            code=1,
        )
    return venv


PY_VERSION = "import sys; print('.'.join(map(str, sys.version_info[:2])))"
