"""Declared bureaus (content/bureaus.yaml): look-alikes refused, codes in URLs, panels shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import build
from generator.errors import RegisterError
from tests.conftest import FIXTURE_REGISTER, ROOT, SAMPLE_REGISTER

CYRILLIC_EN = "\u041d"  # CYRILLIC CAPITAL LETTER EN, drawn like a Latin H


def settings_for(register: Path, content: Path | None = None, **overrides) -> dict:
    """The project's settings with another register (and content folder)."""
    values = {"TARGETS_PATH": str(register), **overrides}
    if content is not None:
        values["PATH"] = str(content)
    return build.read_settings(ROOT / "pelicanconf.py", values)


def problems(register: Path, content: Path | None = None, **overrides) -> list[str]:
    """What `validate` reports for ``register``, one line a problem."""
    with pytest.raises(RegisterError) as error:
        build.validate(settings_for(register, content, **overrides))
    return [str(p) for p in error.value.problems]


def content_copy(tmp_path: Path, bureaus: str | None = None, names: str | None = None) -> Path:
    """A copy of content/, with another bureaus.yaml or names.zh-Hant.yaml if given."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    if bureaus is not None:
        (content / "bureaus.yaml").write_text(bureaus, encoding="utf-8")
    if names is not None:
        (content / "names.zh-Hant.yaml").write_text(names, encoding="utf-8")
    return content


def sample_with(tmp_path: Path, **files: str) -> Path:
    """A copy of the sample register with extra target files (id: body after the id line)."""
    register = tmp_path / "targets"
    shutil.copytree(SAMPLE_REGISTER, register)
    for target_id, body in files.items():
        (register / f"{target_id}.yaml").write_text(f"id: {target_id}\n{body}", encoding="utf-8")
    return register


def target_text(bureau: str, partners: str = "") -> str:
    """A valid target body (after its id) owned by ``bureau``, as YAML source text."""
    text = f"title: Open two clinics\npolicy_address: 2024\nbureau: {bureau}\n"
    if partners:
        text += f"partners: {partners}\n"
    return text + "due: 2026-Q4\n"


# --- A target's bureau and partners: declared code or exact declared name ----------------


@pytest.mark.parametrize(
    ("written", "how"),
    [
        ("Health  Bureau", "spacing"),
        (f"{CYRILLIC_EN}ealth Bureau", "U+041D"),
        ("health bureau", "letter case"),
        ("Ｈｅａｌｔｈ Ｂｕｒｅａｕ", "U+FF28"),  # fullwidth forms: the same under NFKC
        ("Ηealth Bureau", "U+0397"),  # GREEK CAPITAL LETTER ETA
        ("HeaIth Bureau", "look-alike"),  # capital I for the small L
        ('"Health Bureau "', "spacing"),
        ("Health\u200b Bureau", "U+200B"),  # an invisible zero-width space
        ("hb", "letter case"),
    ],
    ids=["two-spaces", "cyrillic", "case", "fullwidth", "greek", "I-for-l", "trailing", "zwsp",
         "code-case"],
)  # fmt: skip
def test_a_look_alike_bureau_is_refused(tmp_path, written, how):
    # Before bureaus were declared, each of these became a bureau of its own: the first
    # to sort took bureaus/health-bureau.html and moved the real bureau to -2.
    register = sample_with(tmp_path, **{"PA2024-099": target_text(written)})
    found = problems(register)
    [line] = [p for p in found if "PA2024-099" in p]
    assert line.startswith(f"{register.name}/PA2024-099.yaml:4: bureau: ") or (
        ":4: bureau: " in line
    ), line
    assert "did you mean 'Health Bureau' (HB)?" in line
    assert how in line
    assert len(found) == 1, found


def test_a_look_alike_partner_is_refused_with_its_line(tmp_path):
    partners = f"\n  - Housing Bureau\n  - Development  Bureau\n  - {CYRILLIC_EN}B\n"
    register = sample_with(tmp_path, **{"PA2024-099": target_text("HB", partners)})
    found = [p.split("PA2024-099.yaml", 1)[1] for p in problems(register)]
    assert len(found) == 2, found
    assert found[0].startswith(":7: partners[1]: 'Development  Bureau'")
    assert "did you mean 'Development Bureau' (DEVB)?" in found[0]
    assert found[1].startswith(":8: partners[2]: ")
    assert "did you mean 'Health Bureau' (HB)?" in found[1]


def test_an_undeclared_bureau_gets_the_closest_declared_name(tmp_path):
    register = sample_with(tmp_path, **{"PA2024-099": target_text("Helth Bureau")})
    [line] = problems(register)
    assert "'Helth Bureau' is not a declared bureau" in line
    assert "did you mean 'Health Bureau' (HB)?" in line
    assert "content/bureaus.yaml" in line  # where to declare a new one


def test_a_code_or_a_name_in_any_language_is_the_declared_bureau(tmp_path):
    register = sample_with(
        tmp_path,
        **{
            "PA2024-098": target_text("HB", "[DEVB, 發展局]"),
            "PA2024-099": target_text("醫務衞生局"),
        },
    )
    targets = {t.id: t for t in build.validate(settings_for(register))}
    for target_id in ("PA2024-098", "PA2024-099"):
        assert targets[target_id].bureau == "Health Bureau"
    assert targets["PA2024-098"].partners == ("Development Bureau", "Development Bureau")


def test_every_sample_bureau_and_partner_is_declared():
    targets = build.validate(settings_for(SAMPLE_REGISTER))
    names = {t.bureau for t in targets} | {p for t in targets for p in t.partners}
    assert "Health Bureau" in names and len(names) >= 10


# --- validate loads what the build loads ----------------------------------------------


def test_validate_refuses_a_names_glossary_the_build_would_refuse(tmp_path):
    # A duplicate key used to pass validate and then fail the build.
    names = "Education: 教育\nHealth: 醫療衞生\nEducation: 教育局\n"
    content = content_copy(tmp_path, names=names)
    [line] = problems(FIXTURE_REGISTER, content)
    assert line == (
        f"{content / 'names.zh-Hant.yaml'}:3: Education: duplicate key: this field is already "
        "given on line 1; keep one"
    )
