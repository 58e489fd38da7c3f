"""Every hostile register file is refused with a clear message, and the built site is untouched."""

from __future__ import annotations

import shutil

import pytest

from generator.register.errors import RegisterError
from tests.conftest import FIXTURE_REGISTER, ROOT, build_site
from tests.test_build import snapshot

INVALID = ROOT / "tests" / "fixtures" / "invalid-register"
EXPECTED = (ROOT / "tests" / "expected" / "validate-invalid-register.txt").read_text()
CASES = sorted(p for p in INVALID.rglob("*") if p.is_file() and "DUP" not in p.name)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A site built from the valid fixture register, and its fingerprint."""
    output = tmp_path_factory.mktemp("published") / "output"
    build_site(FIXTURE_REGISTER, output)
    return output, snapshot(output)


def refused(register, published, **overrides) -> str:
    """Build ``register`` over the published site; return the error, checking nothing changed."""
    output, before = published
    with pytest.raises(RegisterError) as error:
        build_site(register, output, **overrides)
    assert snapshot(output) == before
    assert not list(output.parent.glob("output.building*"))
    assert "Traceback" not in str(error.value)
    return str(error.value)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_hostile_file_is_refused_and_site_unchanged(tmp_path, published, case):
    register = tmp_path / "register"
    shutil.copytree(FIXTURE_REGISTER, register)
    shutil.copy(case, register / case.name)
    message = refused(register, published, REPORTING_QUARTER="2026-Q3")
    # The message is the one the expected-output file records for this file, line and field.
    lines = [line for line in EXPECTED.splitlines() if f"/{case.name}:" in line]
    assert lines
    for line in lines:
        assert line.split("invalid-register/", 1)[1] in message


def test_duplicate_ids_across_folders(tmp_path, published):
    register = tmp_path / "register"
    shutil.copytree(FIXTURE_REGISTER, register)
    (register / "copy").mkdir()
    shutil.copy(FIXTURE_REGISTER / "2023" / "FX-ACH.yaml", register / "copy" / "FX-ACH.yaml")
    assert "'FX-ACH' is already used by" in refused(register, published)


def test_fifty_megabyte_file(tmp_path, published):
    register = tmp_path / "register"
    shutil.copytree(FIXTURE_REGISTER, register)
    with open(register / "HUGE.yaml", "wb") as big:
        big.truncate(50 * 1024 * 1024)
    assert "HUGE.yaml: file is larger than 1000000 bytes" in refused(register, published)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("due: 2025Q3", "'2025Q3' is not a quarter (use YYYY-Qn)"),
        ("due: .nan", "is not a finite number"),
        ("id: ../FX-X", "must be letters, digits and '-' only"),
        ("id: FX-Ä", "must be letters, digits and '-' only"),
        (
            'title: "Connect schools\\u202e to fibre"',
            "FX-ON.yaml:1: title: the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) is "
            "not allowed: delete it",
        ),
        ('area: "Education\\x1b[2J"', "area: the invisible control character U+001B (ESCAPE)"),
        ('title: "\\u200b\\u2060"', "title: shows nothing: it holds only invisible"),
        ("policy_address: 9999", "policy_address: 9999 is not a year from 1950 to 2100"),
        (
            f"indicator: {{unit: u, baseline: 0, target: 0.{'0' * 323}5}}",
            "indicator.target: 5e-324 has more than 6 digits after the decimal point",
        ),
    ],
)
def test_more_hostile_values(tmp_path, published, text, message):
    register = tmp_path / "register"
    shutil.copytree(FIXTURE_REGISTER, register)
    path = register / "2024" / "FX-ON.yaml"
    key = text.split(":")[0]
    lines = [line for line in path.read_text().splitlines() if not line.startswith(f"{key}:")]
    path.write_text("\n".join([text, *lines]) + "\n")
    assert message in refused(register, published)
