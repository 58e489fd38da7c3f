"""Tasks for staff and maintainers: `invoke --list` shows them, `invoke --help TASK` one.

Each task is a thin call into ``generator.cli``, so CI and staff run the same code.
"""

import shlex
import sys
from pathlib import Path

from invoke import Exit, task

from generator.arguments import option_help

HERE = Path(__file__).parent
OUTPUT = HERE / "output"


def _cli(*args: str, settings: str = "pelicanconf.py") -> None:
    from generator.cli import main

    status = main(["--settings", str(HERE / settings), *args])
    if status:
        raise Exit(code=status)


@task
def validate(c):
    """Check the register and list every problem (file:line: field: message)."""
    _cli("validate")


@task(help=option_help("build"))
def build(c, output=str(OUTPUT), force=False):
    """Validate, then build the site into output/ (the old site stays if anything fails).

    A build with nothing changed since the last one stops at once; --force builds anyway.
    """
    _cli("build", "--output", output, *(["--force"] if force else []))


@task(help=option_help("build"))
def publish(c, output=str(OUTPUT), force=False):
    """Build the site for publishing, with publishconf.py instead of pelicanconf.py.

    It adds the public address (PORTAL_SITEURL, for feeds, the calendar and link
    previews) and refuses a register whose git history is incomplete (REQUIRE_HISTORY).
    Example: PORTAL_SITEURL=https://targets.example.gov invoke publish
    """
    _cli("build", "--output", output, *(["--force"] if force else []), settings="publishconf.py")


@task(help=option_help("new-target"))
def new_target(
    c, id, title, bureau, due, policy_address, area=None, start=None,
    unit=None, baseline=None, target=None, direction=None,
):  # fmt: skip
    """Write a valid skeleton file for a new target in its bureau's folder.

    Example: invoke new-target --id PA2025-003 --title "Build 5,000 flats"
    --bureau "Housing Bureau" --policy-address 2025 --due 2027-Q4
    --unit flats --baseline 0 --target 5000
    """
    args = ["new-target", "--id", id, "--title", title, "--bureau", bureau, "--due", due]
    args += ["--policy-address", str(policy_address)]
    args += _options(area=area, start=start, unit=unit, baseline=baseline, target=target)
    _cli(*args, *_options(direction=direction))


@task(help=option_help("report"), iterable=["source"])
def report(c, id, quarter, value=None, percent=None, note=None, source=None, verified_by=None):
    """Add one quarter's progress entry to a target, keeping the file's layout and comments.

    Example: invoke report --id PA2023-017 --quarter 2026-Q3 --value 12
    --note "Two sites opened." --source https://www.example.gov/press/123
    """
    args = ["report", "--id", id, "--quarter", quarter]
    args += _options(value=value, percent=percent, note=note, verified_by=verified_by)
    for url in source or []:
        args += ["--source", url]
    _cli(*args)


@task(help=option_help("justify"))
def justify(c, id, reason, revised_due, measures, submitted=None, responsible=None):
    """File the delay justification of a missed target.

    Example: invoke justify --id PA2023-017 --reason "Site handover slipped."
    --revised-due 2027-Q2 --measures "A second contractor starts in 2026-Q4."
    --submitted 2026-10-01 --responsible "Secretary for Housing"
    """
    args = ["justify", "--id", id, "--reason", reason, "--revised-due", revised_due]
    args += ["--measures", measures]
    _cli(*args, *_options(submitted=submitted, responsible=responsible))


@task(help=option_help("import-progress"))
def import_progress(c, csv, dry_run=False):
    """Import one quarter's updates for many targets from a spreadsheet's CSV export.

    Every row is checked first; nothing is written unless all rows are good.
    Example: invoke import-progress --csv updates-2026-Q3.csv --dry-run
    """
    _cli("import-progress", "--csv", csv, *(["--dry-run"] if dry_run else []))


@task(help=option_help("changes"))
def changes(c, base, output=None, check=False):
    """Print a Markdown summary of what the register changes since a git ref.

    With --check, also refuse (exit 1, one line a problem) a change that moves a promise
    without an amendments entry, removes a target that was not withdrawn or replaced,
    alters a published edition, or rewrites the history. Example: invoke changes --base
    origin/main --check
    """
    _cli("changes", "--base", base, *_options(output=output), *(["--check"] if check else []))


@task(help=option_help("edition"))
def edition(c, quarter):
    """Freeze what the site publishes for a reporting quarter in editions/<quarter>.json.

    Made from the commit checked out, with no uncommitted change to the register; commit
    the file: a committed edition never changes. Example: invoke edition --quarter 2026-Q3
    """
    _cli("edition", "--quarter", quarter)


@task
def schema(c):
    """Write docs/target.schema.json, the JSON Schema editors use for register files.

    Example: invoke schema
    """
    _cli("schema")


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


def _options(**values) -> list[str]:
    args = []
    for name, value in values.items():
        if value is not None:
            args += [f"--{name.replace('_', '-')}", str(value)]
    return args


@task(help=option_help("serve"))
def serve(c, port="8000", output=str(OUTPUT)):
    """Serve the built site at http://localhost:8000/ (build first); Ctrl-C stops it.

    Example: invoke serve --port 8001
    """
    _cli("serve", "--output", output, "--port", str(port))


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
    """Check formatting and lint with ruff."""
    c.run("ruff format --check . && ruff check .")


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
    args += _options(work_dir=work_dir)
    with c.cd(str(HERE)):
        c.run(shlex.join([sys.executable, "-m", "benchmarks.run", *args]), pty=False)
