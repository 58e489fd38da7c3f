"""A rebuild with nothing changed stops early; any change to an input builds again."""

from __future__ import annotations

import shutil

import pytest

from generator.register.errors import RegisterError
from tests.conftest import FIXTURE_REGISTER, ROOT, build_site


@pytest.fixture
def register(tmp_path):
    folder = tmp_path / "targets"
    shutil.copytree(FIXTURE_REGISTER, folder)
    return folder


def snapshot(site):
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in site.rglob("*") if p.is_file()}


def build(register, output, tmp_path, **overrides):
    return build_site(register, output, CHART_CACHE_PATH=str(tmp_path / "cache"), **overrides)


def test_nothing_changed_leaves_the_site_untouched(register, tmp_path):
    output = tmp_path / "site"
    first = build(register, output, tmp_path)
    before = snapshot(output)
    again = build(register, output, tmp_path)
    assert again.unchanged and not first.unchanged
    assert (again.targets, again.missed, again.reporting_quarter) == (
        first.targets, first.missed, first.reporting_quarter,
    )  # fmt: skip
    assert again.pages == 0
    assert snapshot(output) == before


@pytest.mark.parametrize(
    "change",
    ["register", "site edited", "settings", "site deleted"],
)
def test_any_change_builds_again(register, tmp_path, change):
    output = tmp_path / "site"
    build(register, output, tmp_path)
    overrides = {}
    if change == "register":
        target = register / "2024" / "FX-ON.yaml"
        target.write_text(target.read_text().replace("value: 300", "value: 310"))
    elif change == "site edited":
        (output / "overdue.html").write_text("tampered")
    elif change == "settings":
        overrides["AT_RISK_LAG"] = 0.3
    else:
        shutil.rmtree(output)
    result = build(register, output, tmp_path, **overrides)
    assert not result.unchanged and result.pages > 0
    assert "tampered" not in (output / "overdue.html").read_text()


def test_force_builds_even_when_nothing_changed(register, tmp_path):
    output = tmp_path / "site"
    build(register, output, tmp_path)
    from generator import build as build_module

    settings = build_module.read_settings(
        ROOT / "pelicanconf.py",
        {"TARGETS_PATH": str(register), "CHART_CACHE_PATH": str(tmp_path / "cache")},
    )
    assert not build_module.build(settings, output, force=True).unchanged


def test_a_refused_build_is_not_taken_for_the_last_one(register, tmp_path):
    output = tmp_path / "site"
    build(register, output, tmp_path)
    target = register / "2024" / "FX-ON.yaml"
    good = target.read_text()
    target.write_text(good.replace("due:", "due: not-a-quarter\nold_due:"))
    with pytest.raises(RegisterError):
        build(register, output, tmp_path)
    target.write_text(good)
    assert not build(register, output, tmp_path).unchanged


def test_settings_with_functions_and_odd_keys_are_fingerprinted_by_content():
    from generator.fingerprint import _settings_text

    def shout(text):
        return text.upper()

    def whisper(text):
        return text.lower()

    base = {"JINJA_FILTERS": {"loud": shout}, "ODD": {(1, 2): "tuple key"}}
    assert _settings_text(base) == _settings_text(dict(base))
    assert _settings_text(base) != _settings_text({**base, "JINJA_FILTERS": {"loud": whisper}})


def test_a_broken_link_in_the_register_is_reported_not_crashed_on(register, tmp_path):
    output = tmp_path / "site"
    build(register, output, tmp_path)
    (register / "2024" / "GONE.yaml").symlink_to(tmp_path / "nowhere.yaml")
    with pytest.raises(RegisterError, match="GONE.yaml"):
        build(register, output, tmp_path)
