"""The README documents every setting and task, and the code passes ruff."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from generator.project.settings import PortalSettings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(PortalSettings)])
def test_every_portal_setting_is_documented(field):
    assert f"`{field.upper()}`" in README


@pytest.mark.parametrize("task", ["validate", "build", "serve", "clean", "test", "lint"])
def test_every_task_is_documented(task):
    assert f"invoke {task}" in README


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command in README


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(args):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
