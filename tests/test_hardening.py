"""Inputs that pass validation must also build, and must not mislead on the page."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.register.errors import RegisterError
from generator.register.loader import load_register
from generator.register.yamldoc import load_document
from tests.conftest import ROOT, build_site, run
from tests.contentdir import content_with, declared
from tests.sitecheck import soup

TARGET = """\
    id: {id}
    title: Build 30 sites
    policy_address: 2023
    bureau: {bureau}
    area: {area}
    due: {due}
    indicator: {{unit: sites, baseline: 0, target: 30}}
    progress:
      - quarter: 2023-Q4
        value: {value}
        sources: [{source}]
    delay: {{reason: Late., revised_due: 2026-Q4, measures: More crews., submitted: {submitted}}}
    """


def write(folder: Path, **fields) -> Path:
    """Write one target file with the defaults above, overridden by ``fields``."""
    values = {
        "id": "T-1", "bureau": "Housing Bureau", "area": "Housing", "due": "2024-Q4",
        "value": 5, "source": "https://www.example.gov/a", "submitted": "2025-01-15",
    } | fields  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{values['id']}.yaml"
    path.write_text(textwrap.dedent(TARGET.format(**values)))
    return path


def problems(folder: Path) -> list[str]:
    """The problems validation reports for ``folder``, as printed."""
    with pytest.raises(RegisterError) as error:
        load_register(folder, reporting_quarter=None, default_lang="en")
    return [str(p) for p in error.value.problems]


def test_id_index_is_reserved(tmp_path):
    write(tmp_path, id="index")
    assert any("'index' is reserved for a list page" in p for p in problems(tmp_path))


def test_huge_numbers_are_refused(tmp_path):
    write(tmp_path, value=10**26)
    assert any("progress[0].value: " in p and "is too large" in p for p in problems(tmp_path))


def test_quarters_far_from_the_policy_address_are_refused(tmp_path):
    write(tmp_path, due="3025-Q4")
    assert any(
        "due: 3025-Q4 is too far from the policy address (2023): check the year" in p
        for p in problems(tmp_path)
    )


@pytest.mark.parametrize(
    "source",
    ["'https://evil.example\\\\@www.example.gov/report'", "'https://user:pw@www.example.gov/'"],
)
def test_sources_that_show_one_host_and_open_another_are_refused(tmp_path, source):
    write(tmp_path, source=source)
    assert any("is not a web address" in p for p in problems(tmp_path))


def test_compact_dates_are_refused(tmp_path):
    write(tmp_path, submitted="'20250115'")
    assert any("'20250115' is not a date (use YYYY-MM-DD)" in p for p in problems(tmp_path))


def test_upper_case_suffix_and_broken_links_are_reported(tmp_path):
    write(tmp_path)
    (tmp_path / "T-2.YAML").write_text("id: T-2\n")
    (tmp_path / "T-3.yaml").symlink_to(tmp_path / "missing.yaml")
    found = problems(tmp_path)
    assert any("T-2.YAML: register files must end in .yaml, not .YAML" in p for p in found)
    assert any("T-3.yaml: not a readable file (a broken link?)" in p for p in found)


def test_control_characters_are_located():
    _, found = load_document("x.yaml", b"id: a\ntitle: b\x00c\n")
    assert [str(p) for p in found] == [
        "x.yaml:2: not valid YAML: the invisible character U+0000 is not allowed: delete it"
    ]


def test_groups_named_index_build(tmp_path):
    # A bureau's page is named by its code (the code INDEX is refused), an area's by its name.
    content = content_with(tmp_path, [declared("IDX", "Index")])
    write(tmp_path / "register", bureau="Index", area="index")
    output = tmp_path / "site"
    build_site(tmp_path / "register", output, PATH=str(content))
    assert (output / "bureaus" / "index.html").is_file()
    assert (output / "bureaus" / "idx.html").is_file()
    assert (output / "areas" / "index-2.html").is_file()


def test_delay_page_says_when_the_due_quarter_went_unreported(tmp_path):
    write(tmp_path / "register")
    output = tmp_path / "site"
    build_site(tmp_path / "register", output, REPORTING_QUARTER="2025-Q4")
    text = " ".join(soup(output / "delays" / "T-1.html").get_text().split())
    assert "5 sites (last reported in 2023-Q4; nothing was reported for 2024-Q4)" in text
    assert "25 sites short" in text


def test_methodology_works_without_the_lag_in_the_settings(tmp_path):
    settings = tmp_path / "settings.py"
    settings.write_text(
        "\n".join(
            line
            for line in (ROOT / "pelicanconf.py").read_text().splitlines()
            if not line.startswith("AT_RISK_LAG")
        ).replace('HERE / "targets"', repr(str(ROOT / "tests" / "fixtures" / "register")))
        + f"\nPATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n"
    )
    result = run(tmp_path, "build", "--output", str(tmp_path / "site"), settings=settings)
    assert result.returncode == 0, result.stderr
    text = soup(tmp_path / "site" / "pages" / "methodology.html").get_text()
    assert "20 percentage points" in text


def test_staff_ids_are_not_patterns(project):
    for pattern in ("**", "PA2022-00[1]", "*"):
        result = run(project, "report", "--id", pattern, "--quarter", "2026-Q4", "--value", "1")
        assert result.returncode == 1
        assert f"no target '{pattern}'" in result.stderr
        assert "Traceback" not in result.stderr


def test_delay_on_a_target_that_is_not_missed_is_a_warning(tmp_path):
    folder = tmp_path / "targets"
    write(folder)  # T-1: missed (5 of 30 at due 2024-Q4), with a delay: no warning
    late = write(folder, id="T-2", value=30)  # met in 2023-Q4, before due: achieved
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"TARGETS_PATH = {str(folder)!r}\nPATH = {str(ROOT / 'content')!r}\n"
        f"THEME = {str(ROOT / 'theme')!r}\nREPORTING_QUARTER = '2025-Q4'\n"
    )
    result = run(tmp_path, "validate", settings=settings)
    assert result.returncode == 0
    assert "The register is valid: 2 targets." in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert warnings == [
        f"Warning: targets/{late.name}: delay: a delay justification is filed, but the target "
        "is achieved as of 2025-Q4: check the due quarter and the figures, or remove the "
        "'delay:' block (warning only)"
    ]
