"""Declared bureaus (content/bureaus.yaml): look-alikes refused, codes in URLs, panels shown."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from generator import build
from generator.register.errors import RegisterError
from tests.conftest import FIXTURE_REGISTER, ROOT, SAMPLE_REGISTER, build_site, run
from tests.contentdir import content_with, declared
from tests.sitecheck import soup

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
    value = written[1:-1] if written.startswith('"') else written  # as YAML reads it
    assert line.startswith(f"{register}/PA2024-099.yaml:4: bureau: {value!r} "), line
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
    targets = {t.id: t for t in build.validate(settings_for(register)).targets}
    for target_id in ("PA2024-098", "PA2024-099"):
        assert targets[target_id].bureau == "Health Bureau"
    assert targets["PA2024-098"].partners == ("Development Bureau", "Development Bureau")


def test_every_sample_bureau_and_partner_is_declared():
    targets = build.validate(settings_for(SAMPLE_REGISTER)).targets
    names = {t.bureau for t in targets} | {p for t in targets for p in t.partners}
    assert "Health Bureau" in names and len(names) >= 10


# --- validate loads what the build loads ----------------------------------------------


def test_validate_refuses_a_names_glossary_the_build_would_refuse(tmp_path):
    # A duplicate key used to pass validate and then fail the build.
    names = "Education: 教育\nHealth: 醫療衞生\nEducation: 教育局\n"
    content = content_with(tmp_path, names=names)
    [line] = problems(FIXTURE_REGISTER, content)
    assert line == (
        f"{content / 'names.zh-Hant.yaml'}:3: Education: duplicate key: this field is already "
        "given on line 1; keep one"
    )


def test_validate_refuses_a_glossary_entry_for_a_declared_bureau(tmp_path):
    # A bureau's names in every language are kept in bureaus.yaml only: one translation each.
    names = (ROOT / "content" / "names.zh-Hant.yaml").read_text() + "Health Bureau: 衞生局\n"
    content = content_with(tmp_path, names=names)
    [line] = problems(FIXTURE_REGISTER, content)
    assert line.startswith(f"{content / 'names.zh-Hant.yaml'}: Health Bureau: is a declared bureau")
    assert f"{content / 'bureaus.yaml'}" in line


def test_validate_and_build_need_bureaus_yaml(tmp_path):
    content = content_with(tmp_path)
    (content / "bureaus.yaml").unlink()
    [line] = problems(FIXTURE_REGISTER, content)
    assert line.startswith(f"{content / 'bureaus.yaml'}: not found: declare every bureau")


# --- content/bureaus.yaml ----------------------------------------------------------------

GOOD = """\
- code: HB
  name: {en: Health Bureau, zh-Hant: 醫務衞生局}
  panel: {en: Panel on Health Services, zh-Hant: 衞生事務委員會}
- code: CR
  name: {en: Companies Registry}
  kind: department
  abolished: 2021-Q2
"""


def read(text: str) -> tuple:
    """The bureaus declared in ``text`` and its problems, as printed."""
    from generator.register.bureaufile import read_bureaus

    bureaus, found = read_bureaus("content/bureaus.yaml", text.encode(), ("en", "zh-Hant"))
    return bureaus, [str(p) for p in found]


def test_a_good_bureaus_file():
    from generator.register.quarters import Quarter

    bureaus, found = read(GOOD)
    assert found == []
    hb, cr = bureaus.entries
    assert (hb.code, hb.slug, hb.kind, hb.panel["zh-Hant"]) == (
        "HB",
        "hb",
        "bureau",
        "衞生事務委員會",
    )
    assert (cr.kind, cr.abolished, cr.names) == (
        "department",
        Quarter(2021, 2),
        {"en": "Companies Registry"},
    )
    assert bureaus.resolve("醫務衞生局") is hb and bureaus.resolve("hb") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- code: hb\n  name: {en: X Bureau}\n",
         "content/bureaus.yaml:1: [0].code: 'hb' is not a bureau code: write 2 to 16 capital "
         "letters, digits or '-', starting with a letter, such as HB"),
        ("- code: H\n  name: {en: X Bureau}\n", "[0].code: 'H' is not a bureau code"),
        ("- code: INDEX\n  name: {en: X Bureau}\n",
         "[0].code: 'INDEX' is kept for the site's own pages"),
        ("- code: HB-BY-STATUS\n  name: {en: X Bureau}\n", "is kept for the site's own pages"),
        ("- name: {en: X Bureau}\n",
         "content/bureaus.yaml:1: [0]: required field 'code' is missing"),
        (GOOD + "- code: HB\n  name: {en: Hospital Board}\n",
         "content/bureaus.yaml:8: [2].code: 'HB' is already used by HB (line 1): give each "
         "bureau a code and names of its own; a code is never reused"),
        (GOOD + "- code: HB2\n  name: {en: health bureau}\n",
         "content/bureaus.yaml:9: [2].name.en: 'health bureau' cannot be told apart from "
         "'Health Bureau' of HB (line 1): it differs only in letter case"),
        (GOOD + "- code: HB2\n  name: {en: Health  Bureau}\n",  # spacing: refused as such
         "content/bureaus.yaml:9: [2].name.en: must be one line with single spaces"),
        (GOOD + "- code: HB2\n  name: {en: Ｈealth Bureau}\n",
         "it differs only in the compatibility form (NFKC) U+FF28"),
        (GOOD + "- code: HB2\n  name: {en: \u041dealth Bureau}\n",
         "[2].name.en: 'Нealth Bureau' cannot be told apart from 'Health Bureau' of HB (line 1): "
         "it differs only in the look-alike character U+041D (CYRILLIC CAPITAL LETTER EN)"),
        (GOOD + "- code: HB2\n  name: {en: Other, zh-Hant: 醫務衞生局}\n",
         "[2].name.zh-Hant: '醫務衞生局' is already used by HB (line 1)"),
        (GOOD + "- code: CR2\n  name: {en: cr}\n",
         "[2].name.en: 'cr' cannot be told apart from 'CR'"),
        ("- code: HB\n  name: {zh-Hant: 醫務衞生局}\n",
         "content/bureaus.yaml:2: [0].name: the default language 'en' must be given: "
         "add 'en: ...'"),
        ("- code: HB\n  name: Health Bureau\n",
         "[0].name: must be a map of language to text, such as {en: ..., zh-Hant: ...}"),
        ("- code: HB\n  name: {en: Health Bureau, zh-hant: 醫務衞生局}\n",
         "[0].name.zh-hant: 'zh-hant' is written 'zh-Hant' in LANGUAGES: write 'zh-Hant'"),
        ("- code: HB\n  name: {en: 'Health Bureau '}\n",
         "[0].name.en: must be one line with single spaces, none at either end"),
        ("- code: HB\n  name: {en: Health Bureau}\n  kind: ministry\n",
         "content/bureaus.yaml:3: [0].kind: 'ministry' is not a kind of bureau: write one of "
         "bureau, department, working_group"),
        ("- code: HB\n  name: {en: Health Bureau}\n  abolished: 2024Q3\n",
         "content/bureaus.yaml:3: [0].abolished: '2024Q3' is not a quarter (use YYYY-Qn)"),
        ("- code: HB\n  name: {en: Health Bureau}\n  pannel: {en: Panel on Health}\n",
         "content/bureaus.yaml:3: [0].pannel: unknown field; did you mean 'panel'?"),
        ("", "content/bureaus.yaml:1: must be a list of bureaus, each starting '- code: ...'"),
        ("code: HB\n", "content/bureaus.yaml:1: must be a list of bureaus"),
        ("- code: HB\n  code: HC\n  name: {en: Health Bureau}\n",
         "content/bureaus.yaml:2: [0].code: duplicate key"),
    ],
    ids=["lower-case-code", "short-code", "INDEX", "BY", "no-code", "duplicate-code",
         "clash-case", "spacing", "clash-nfkc", "clash-cyrillic", "clash-other-language",
         "clash-name-code",
         "no-default-name", "name-not-a-map", "language-case", "name-spacing", "bad-kind",
         "bad-quarter", "unknown-field", "empty", "not-a-list", "duplicate-key"],
)  # fmt: skip
def test_a_bad_bureaus_file_is_reported_by_line(text, expected):
    _, found = read(text)
    assert len(found) == 1, found
    assert expected in found[0], found[0]


def test_a_bad_bureaus_file_refuses_validate_and_the_build(tmp_path):
    content = content_with(tmp_path, [declared("hb", "Hospital Board")])
    register = sample_with(
        tmp_path,
        **{
            "PA2024-098": target_text("HB").replace("due: 2026-Q4", "due: 2026Q4"),
            "PA2024-099": target_text("Helth Bureau"),
        },
    )
    found = problems(register, content)
    # The register's other problems are listed in the same run; its bureaus are checked
    # once bureaus.yaml can be read.
    assert len(found) == 2, found
    assert "bureaus.yaml:77: [19].code: 'hb' is not a bureau code" in found[0]
    assert "PA2024-098.yaml:5: due: '2026Q4' is not a quarter" in found[1]
    output = tmp_path / "site"
    with pytest.raises(RegisterError, match="'hb' is not a bureau code"):
        build_site(FIXTURE_REGISTER, output, PATH=str(content))
    assert not output.exists()


# --- The site: codes in URLs and data, names and panels from bureaus.yaml ---------------


def test_bureau_pages_feeds_and_lists_are_named_by_code(sample_site):
    for root in ("", "zh-hant/"):
        for path in ("bureaus/hb.html", "bureaus/hb-by-status.html", "bureaus/lwb.html",
                     "briefing/enb.html", "overdue/enb.html"):  # fmt: skip
            assert (sample_site / root / path).is_file(), root + path
        assert not (sample_site / root / "bureaus" / "health-bureau.html").exists()
    for kind in ("status", "missed"):
        assert (sample_site / "feeds" / "bureaus" / "hb" / f"{kind}.xml").is_file()
    links = {
        a.get_text(strip=True): a["href"]
        for a in soup(sample_site / "bureaus" / "index.html").select("table a")
    }
    assert links["Health Bureau"] == "../bureaus/hb.html"
    page = soup(sample_site / "targets" / "PA2023-004.html")
    assert page.select_one("dl.facts a[href='../bureaus/hb.html']").get_text() == "Health Bureau"


def test_published_data_carries_the_bureau_code(sample_site):
    records = {
        t["id"]: t
        for t in json.loads((sample_site / "data" / "targets.json").read_text())["targets"]
    }
    assert (records["PA2023-004"]["bureau"], records["PA2023-004"]["bureau_code"]) == (
        "Health Bureau",
        "HB",
    )
    assert all(r["bureau_code"] for r in records.values())
    partnered = next(r for r in records.values() if r["partners"])
    assert len(partnered["partner_codes"]) == len(partnered["partners"])
    one = json.loads((sample_site / "data" / "targets" / "PA2023-004.json").read_text())
    assert one["bureau_code"] == "HB"
    rows = list(csv.DictReader(io.StringIO((sample_site / "data" / "targets.csv").read_text())))
    assert {r["id"]: r["bureau_code"] for r in rows}["PA2023-004"] == "HB"
    overdue = list(csv.DictReader(io.StringIO((sample_site / "data" / "overdue.csv").read_text())))
    assert overdue and all(r["bureau_code"] == records[r["id"]]["bureau_code"] for r in overdue)


def panel_of(page) -> str:
    """The text of the 'Legislature panel' fact on a page."""
    for dt in page.select("dl.facts dt"):
        if dt.get_text(strip=True) in ("Legislature panel", "立法會事務委員會"):
            return dt.find_next_sibling("dd").get_text(strip=True)
    raise AssertionError("no panel on the page")


@pytest.mark.parametrize(
    ("root", "name", "panel"),
    [
        ("", "Health Bureau", "Panel on Health Services"),
        ("zh-hant/", "醫務衞生局", "衞生事務委員會"),
    ],
)
def test_the_oversight_panel_is_shown_wherever_the_bureau_is(sample_site, root, name, panel):
    bureau = soup(sample_site / root / "bureaus" / "hb.html")
    assert bureau.h1.get_text(strip=True) == name
    assert panel_of(bureau) == panel
    assert "HB" in bureau.select_one("dl.bureau-facts").get_text()
    assert panel_of(soup(sample_site / root / "targets" / "PA2023-004.html")) == panel
    records = json.loads((sample_site / "data" / "targets.json").read_text())["targets"]
    missed = next(r for r in records if r["status"] == "missed" and r["bureau_code"] == "ENB")
    expected = {"": "Panel on Environmental Affairs", "zh-hant/": "環境事務委員會"}[root]
    assert panel_of(soup(sample_site / root / "delays" / f"{missed['id']}.html")) == expected
    assert panel_of(soup(sample_site / root / "briefing" / "enb.html")) == expected


@pytest.fixture(scope="module")
def one_language_site(tmp_path_factory):
    """The fixture register, its Housing Bureau named and overseen in English only, its
    Transport Bureau a department abolished in 2025-Q3."""
    folder = tmp_path_factory.mktemp("one-language")
    text = (ROOT / "content" / "bureaus.yaml").read_text(encoding="utf-8")
    old = (
        "  name: {en: Housing Bureau, zh-Hant: 房屋局}\n"
        "  panel: {en: Panel on Housing, zh-Hant: 房屋事務委員會}\n"
    )
    assert old in text
    text = text.replace(old, "  name: {en: Housing Bureau}\n  panel: {en: Panel on Housing}\n")
    old = "- code: TB\n"
    assert old in text
    text = text.replace(old, old + "  kind: department\n  abolished: 2025-Q3\n")
    content = content_with(folder, replace=text)
    output = folder / "output"
    build_site(FIXTURE_REGISTER, output, PATH=str(content))
    return output


def test_a_name_or_panel_in_one_language_is_shown_marked(one_language_site):
    page = soup(one_language_site / "zh-hant" / "bureaus" / "hob.html")
    name = page.h1.find("span", lang="en")
    assert name is not None and name.get_text() == "Housing Bureau"
    assert page.h1.select_one(".lang-note").get_text(strip=True) == "（只有英文）"
    panel = next(dt for dt in page.select("dl.facts dt") if dt.get_text() == "立法會事務委員會")
    dd = panel.find_next_sibling("dd")
    assert dd.find("span", lang="en").get_text() == "Panel on Housing"
    assert dd.select_one(".lang-note").get_text(strip=True) == "（只有英文）"
    # Everywhere the name is shown in a list: marked too, never a blank.
    table = soup(one_language_site / "zh-hant" / "bureaus" / "index.html")
    cell = next(a for a in table.select("table a") if a["href"].endswith("hob.html"))
    assert cell.find("span", lang="en").get_text() == "Housing Bureau"


@pytest.mark.parametrize(
    ("root", "words"),
    [("", ("Department", "Abolished", "From 2025-Q3; its targets stay listed under it.")),
     ("zh-hant/", ("部門", "已撤銷", "自2025-Q3起；其目標仍列於此。"))],
)  # fmt: skip
def test_an_abolished_department_keeps_its_page_and_says_so(one_language_site, root, words):
    facts = soup(one_language_site / root / "bureaus" / "tb.html").select_one("dl.bureau-facts")
    text = facts.get_text(" ", strip=True)
    assert "TB" in text and all(word in text for word in words), text


# --- new-target ----------------------------------------------------------------------


def test_new_target_takes_a_declared_code_and_lists_them_otherwise(project):
    base = [
        "new-target",
        "--title",
        "Open a clinic",
        "--policy-address",
        "2025",
        "--due",
        "2027-Q4",
    ]
    result = run(project, *base, "--id", "PA2025-001", "--bureau", "HB")
    assert result.returncode == 0, result.stderr
    written = (project / "targets" / "health-bureau" / "PA2025-001.yaml").read_text()
    assert "bureau: Health Bureau\n" in written
    result = run(project, *base, "--id", "PA2025-002", "--bureau", "Health  Bureau")
    assert result.returncode == 1
    assert "did you mean 'Health Bureau' (HB)?" in result.stderr
    assert (
        "HB       Health Bureau" in result.stderr
        and "LWB      Labour and Welfare Bureau" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (project / "targets" / "health-bureau" / "PA2025-002.yaml").exists()


def test_bureaus_yaml_is_read_only_as_a_regular_file(tmp_path):
    # A named pipe would make a plain read wait for ever; it is refused without opening it.
    content = content_with(tmp_path)
    (content / "bureaus.yaml").unlink()
    os.mkfifo(content / "bureaus.yaml")
    [line] = problems(FIXTURE_REGISTER, content)
    assert line.startswith(f"{content / 'bureaus.yaml'}: ")
    assert "pipe" in line


def test_a_name_close_to_no_declared_bureau_gets_no_suggestion_but_the_codes():
    from generator.register.bureaus import undeclared_message

    bureaus, _ = read(GOOD)  # HB (Health Bureau) and CR (Companies Registry)
    message = undeclared_message("Ministry of Magic", bureaus)
    assert "did you mean" not in message
    assert "is not a declared bureau, nor close to one" in message
    assert "content/bureaus.yaml (HB Health Bureau; CR Companies Registry)" in message
    # A near miss still gets its suggestion.
    assert "did you mean 'Health Bureau' (HB)?" in undeclared_message("Helth Bureau", bureaus)
