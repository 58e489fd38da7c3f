"""Command line: ``kpi-portal validate`` and ``kpi-portal build``.

The only place that prints to the terminal or chooses an exit status; every
error the portal raises on purpose is shown as plain lines, without a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .errors import PortalError, RegisterError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi-portal",
        description="Validate the target register and build the portal.",
        epilog="Example: kpi-portal build --output output",
    )
    parser.add_argument("--settings", default="pelicanconf.py", help="Pelican settings file")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check the register and report every problem")
    build = commands.add_parser("build", help="validate, then build the site")
    build.add_argument("--output", default="output", help="folder for the built site")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 invalid or failed)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    from . import build

    try:
        settings = build.read_settings(Path(args.settings))
        if args.command == "validate":
            targets = build.validate(settings)
            print(f"The register is valid: {len(targets)} targets.")
            return 0
        result = build.build(settings, Path(args.output))
    except RegisterError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        if args.command == "build":
            print("Nothing was built; the previous site is unchanged.", file=sys.stderr)
        return 1
    except PortalError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    _report(result)
    return 0


def _report(result) -> None:
    index = result.output / "index.html"
    print(
        f"Built {result.targets} targets ({result.missed} missed) as of "
        f"{result.reporting_quarter} in {result.seconds:.1f} s."
    )
    print(f"Open {index} in a browser, or run 'invoke serve' and visit http://localhost:8000/")


if __name__ == "__main__":
    sys.exit(main())
