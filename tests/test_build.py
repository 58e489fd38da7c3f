"""The build as staff run it: refused on bad input, atomic, reproducible, no tracebacks."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.register.errors import RegisterError
from tests.conftest import FIXTURE_REGISTER, ROOT, build_site


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` with the hash of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def register(tmp_path) -> Path:
    """A writable copy of the fixture register."""
    copy = tmp_path / "register"
    shutil.copytree(FIXTURE_REGISTER, copy)
    return copy


def test_same_register_gives_byte_identical_site(fixture_site, tmp_path):
    again = tmp_path / "again"
    build_site(FIXTURE_REGISTER, again)
    assert snapshot(again) == snapshot(fixture_site)


def test_output_has_no_absolute_paths_or_build_dates(fixture_site):
    for path in fixture_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".svg"):
            text = path.read_text(encoding="utf-8")
            assert str(ROOT) not in text and "/tmp/" not in text, path


def test_invalid_register_is_refused_and_old_site_kept(register, tmp_path):
    output = tmp_path / "output"
    build_site(register, output)
    before = snapshot(output)
    bad = register / "2023" / "FX-ACH.yaml"
    bad.write_text(bad.read_text().replace("due: 2025-Q2", "due: 2025-Q5"))
    with pytest.raises(RegisterError) as error:
        build_site(register, output)
    assert "FX-ACH.yaml:9: due: '2025-Q5' is not a quarter (use YYYY-Qn)" in str(error.value)
    assert snapshot(output) == before
    assert not list(tmp_path.glob("output.building*"))


def test_failed_pelican_run_keeps_old_site(register, tmp_path, monkeypatch):
    output = tmp_path / "output"
    build_site(register, output)
    before = snapshot(output)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("generator.site.exports.targets_csv", explode)
    from generator.build import BuildError

    with pytest.raises(BuildError, match="disk full"):
        build_site(register, output, force=True)  # the inputs are the same: force a build
    assert snapshot(output) == before
    assert not list(tmp_path.glob("output.building*"))


def test_reporting_quarter_setting_changes_statuses(tmp_path):
    output = tmp_path / "output"
    build_site(FIXTURE_REGISTER, output, REPORTING_QUARTER="2025-Q3", AT_RISK_LAG=0.5)
    records = json.loads((output / "data" / "targets.json").read_text())["targets"]
    statuses = {r["id"]: r["status"] for r in records}
    # With a 50-point lag, 0.375 - 0.05 no longer counts as at risk.
    assert statuses["FX-RISK"] == "on_track"
    assert "at_risk" not in statuses.values()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--settings", str(ROOT / "pelicanconf.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_validate_reports_every_problem_without_traceback(tmp_path):
    folder = tmp_path / "targets" / "2023"
    folder.mkdir(parents=True)
    (folder / "PA2023-017.yaml").write_text(
        "id: PA2023-017\ntitle: Build sites\npolicy_address: 2023\nbureau: Housing Bureau\n"
        "due: 2025-Q4\nindicator: {unit: sites, baseline: 0, target: 30}\nprogress:\n"
        "  - {quarter: 2024-Q1, value: 1}\n  - {quarter: 2024-Q2, value: 2}\n"
        "  - quarter: 2024-Q5\n    value: 3\n"
    )
    (folder / "PA2023-018.yaml").write_text("id: PA2023-018\ntitle: [oops\n")
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"from importlib.machinery import SourceFileLoader\n"
        f"conf = SourceFileLoader('conf', {str(ROOT / 'pelicanconf.py')!r}).load_module()\n"
        f"globals().update({{k: v for k, v in vars(conf).items() if k.isupper()}})\n"
        f"TARGETS_PATH = 'targets'\nTHEME = {str(ROOT / 'theme')!r}\n"
        f"PATH = {str(ROOT / 'content')!r}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--settings", str(settings), "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "targets/2023/PA2023-017.yaml:10: progress[2].quarter: "
        "'2024-Q5' is not a quarter (use YYYY-Qn)" in result.stderr
    )
    assert "targets/2023/PA2023-018.yaml:3: not valid YAML" in result.stderr
    assert "2 problems" in result.stderr


def test_cli_build_says_where_to_open_the_site(tmp_path):
    result = _cli("build", "--output", str(tmp_path / "site"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "index.html" in result.stdout and "Built" in result.stdout


def test_build_killed_half_way_leaves_the_old_site(register, tmp_path):
    output = tmp_path / "output"
    build_site(register, output)
    before = snapshot(output)
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"TARGETS_PATH = {str(register)!r}\n"
        f"PATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "--settings", str(settings), "build",
         "--output", str(output)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    # Kill it once it has started writing the new site, as a power cut would.
    while not list(tmp_path.glob("output.building-*/charts")) and process.poll() is None:
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the build finished before it was killed"
    assert snapshot(output) == before
    assert list(tmp_path.glob("output.building-*"))  # what the killed build left
    # The next build clears the half-written folder and succeeds: the dead build's lock
    # went with it.
    build_site(register, output)
    assert not list(tmp_path.glob("output.building*"))
