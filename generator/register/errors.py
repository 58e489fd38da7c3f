"""The errors the portal reports to the people who keep the register."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the register, located by file, line and field."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass(frozen=True, order=True)
class LateEntry(Problem):
    """A progress entry after REPORTING_QUARTER: the file's first such, with the latest
    quarter the file reports, so that a setting made too early is told once (``loader``)."""

    latest: str = ""


class PortalError(Exception):
    """Base class of every error the portal raises on purpose."""


class RegisterError(PortalError):
    """The register is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.field, p.message))
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [str(p) for p in self.problems]
        super().__init__(f"the register has {count} {noun}:\n" + "\n".join(lines))


class SettingsError(PortalError):
    """A portal setting has a wrong value."""
