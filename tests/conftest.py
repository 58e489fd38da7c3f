"""Shared fixtures: real site builds into temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import build

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_REGISTER = ROOT / "tests" / "fixtures" / "register"
SAMPLE_REGISTER = ROOT / "targets"


def build_site(register: Path, output: Path, **overrides) -> build.BuildResult:
    """Build the site from ``register`` into ``output`` with the project's settings."""
    settings = build.read_settings(
        ROOT / "pelicanconf.py", {"TARGETS_PATH": str(register), **overrides}
    )
    return build.build(settings, output)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The small fixture register, built once per test run."""
    output = tmp_path_factory.mktemp("fixture") / "output"
    build_site(FIXTURE_REGISTER, output)
    return output


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The shipped sample register, built once per test run."""
    output = tmp_path_factory.mktemp("sample") / "output"
    build_site(SAMPLE_REGISTER, output)
    return output
