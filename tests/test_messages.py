"""Expected output: what `validate` prints for a register breaking every rule.

The expected text is committed in tests/expected/; after a deliberate change to
the wording, refresh it with `UPDATE_EXPECTED=1 python -m pytest tests/test_messages.py`
and review the diff like any other change.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import ROOT

REGISTER = ROOT / "tests" / "fixtures" / "invalid-register"
EXPECTED = ROOT / "tests" / "expected" / "validate-invalid-register.txt"


LINE_RE = re.compile(r"^(?P<file>.+?\.ya?ml)(:\d+)?: (?P<field>[\w.\[\]-]+: )?(?P<message>.+)$")


def validate_output(tmp_path) -> subprocess.CompletedProcess:
    """Run `validate` on the invalid register as staff would, from the project folder."""
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"TARGETS_PATH = {str(REGISTER)!r}\nREPORTING_QUARTER = '2026-Q3'\n"
        f"PATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n"
    )
    return subprocess.run(
        [sys.executable, "-m", "generator", "--settings", str(settings), "validate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_validate_output_matches_expected(tmp_path):
    result = validate_output(tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    if os.environ.get("UPDATE_EXPECTED"):
        EXPECTED.write_text(result.stderr, encoding="utf-8")
    assert result.stderr == EXPECTED.read_text(encoding="utf-8")


def test_every_message_names_file_and_says_what_to_do():
    lines = EXPECTED.read_text(encoding="utf-8").splitlines()[1:]
    assert len(lines) >= 40
    for line in lines:
        assert line.startswith("tests/fixtures/invalid-register/"), line
        match = LINE_RE.match(line)
        assert match, line
        # Each message says what is wrong and then, after ':' ';' or a bracket, what to do.
        message = match["message"]
        assert any(mark in message for mark in (": ", "; ", "(use ", "(such as")), line


def test_every_file_of_the_invalid_register_is_reported():
    reported = EXPECTED.read_text(encoding="utf-8")
    for path in sorted(REGISTER.rglob("*.y*ml")):
        assert path.relative_to(ROOT).as_posix() in reported, path
