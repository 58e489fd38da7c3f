"""The portal as a package another Pelican site installs and adds to its PLUGINS.

The wheel is built from a copy of the source (so the build writes nothing into the
repository) and installed with ``pip install --target`` into a folder of its own; every
host-site build runs with that folder first on PYTHONPATH and from the host's folder, so
what is tested is the installed package, its theme and catalogs, not this repository.
The host is a minimal Pelican site of its own: its own theme, one article, one page, a
few sample targets and the bureaus they belong to, and one template override.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from generator import plugin
from generator.pelicansettings import portal_view

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SAMPLE_TARGETS = [
    "labour-and-welfare-bureau/PA2023-007.yaml",
    "education-bureau/PA2023-013.yaml",
    "transport-bureau/PA2022-009.yaml",
]
SUBTITLE = "<b>news</b>"  # the host's own setting: raw in its pages, escaped in the portal's

HOST_SETTINGS = f"""\
from pathlib import Path

HERE = Path(__file__).parent
SITENAME = "Ministry of Examples"
SITESUBTITLE = {SUBTITLE!r}
PATH = "content"
THEME = "theme"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
# The portal's dashboard is the site's index.html: the blog's front page moves aside.
INDEX_SAVE_AS = "blog/index.html"

PLUGINS = ["generator.plugin"]
TARGETS_PATH = str(HERE / "content" / "targets")
LANGUAGES = ["en", "zh-Hant"]
THEME_TEMPLATES_OVERRIDES = [str(HERE / "overrides")]
# `python -m generator build` checks these two on the whole site (see the README).
RELATIVE_URLS = True
JINJA_ENVIRONMENT = {{"autoescape": True}}
"""
HOST_TEMPLATES = {
    "base.html": (
        '<!DOCTYPE html>\n<html lang="en"><head><title>{% block title %}{{ SITENAME }}'
        '{% endblock %}</title><link rel="stylesheet" href="{{ SITEURL }}/theme/css/host.css">'
        '</head>\n<body class="host-theme"><header class="host-header">{{ SITENAME }} '
        '<span class="host-subtitle">{{ SITESUBTITLE }}</span></header>\n'
        "{% block content %}{% endblock %}\n</body></html>\n"
    ),
    "index.html": (
        '{% extends "base.html" %}{% block content %}<ul class="host-index">'
        "{% for article in articles %}<li>{{ article.title }}</li>{% endfor %}"
        "</ul>{% endblock %}\n"
    ),
    "article.html": (
        '{% extends "base.html" %}{% block title %}{{ article.title }}{% endblock %}'
        '{% block content %}<article class="host-article"><h1>{{ article.title }}</h1>'
        "{{ article.content|safe }}</article>{% endblock %}\n"
    ),
}
ARTICLE = """\
Title: Hello from the ministry
Date: 2026-01-15
Slug: hello
Category: News

The ministry's **own** news.
"""
PAGE = "Title: About the ministry\nSlug: about\n\nWho we are.\n"
OVERRIDE = (
    '{% extends "!portal/opendata.html" %}{% block content %}'
    '<p id="host-override">Open data, as the ministry publishes it. {{ SITESUBTITLE }}</p>'
    "{{ super() }}{% endblock %}\n"
)


def make_host(folder: Path) -> Path:
    """A minimal Pelican site of its own, with the portal added; return its folder."""
    (folder / "pelicanconf.py").parent.mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(HOST_SETTINGS)
    for name, text in HOST_TEMPLATES.items():
        write(folder / "theme" / "templates" / name, text)
    write(folder / "theme" / "static" / "css" / "host.css", "body { margin: 0 }\n")
    write(folder / "content" / "hello.md", ARTICLE)
    write(folder / "content" / "pages" / "about.md", PAGE)
    write(folder / "overrides" / "opendata.html", OVERRIDE)
    # Where the portal reads them: bureaus.yaml in PATH, the register in TARGETS_PATH.
    shutil.copy(ROOT / "content" / "bureaus.yaml", folder / "content" / "bureaus.yaml")
    for name in SAMPLE_TARGETS:
        target = folder / "content" / "targets" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "targets" / name, target)
    return folder


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder``: its path, relative, and the hash of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run(command: list[str], host: Path, installed: Path) -> subprocess.CompletedProcess:
    """Run ``command`` in the host's folder with the installed portal first on the path."""
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run(
        command, cwd=host, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The portal's wheel, built from a copy of the source with this venv's setuptools."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    skipped = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("generator", "theme"):
        shutil.copytree(ROOT / name, source / name, ignore=skipped)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    done = subprocess.run(
        [*command, "--wheel-dir", str(work / "dist"), str(source)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = (work / "dist").glob("kpi_portal-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel installed into a folder of its own (its dependencies are this venv's)."""
    target = tmp_path_factory.mktemp("installed")
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile"]
    done = subprocess.run(
        [*command, "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return target


@pytest.fixture(scope="module")
def host(tmp_path_factory, installed) -> dict:
    """The host site built twice, by the portal's command line and by plain ``pelican``."""
    folder = make_host(tmp_path_factory.mktemp("host") / "ministry")
    before = tree(folder)
    built = run([sys.executable, "-m", "generator", "build"], folder, installed)
    assert built.returncode == 0, built.stdout + built.stderr
    # Plain Pelican with its own defaults for the two settings the command line checks: the
    # portal's pages are escaped and relative whatever the host sets for its own.
    pelican = [str(BIN / "pelican"), "content", "-s", "pelicanconf.py", "-o", "pelican-output"]
    pelican += ["--fatal", "errors", "-e", "RELATIVE_URLS=false", "JINJA_ENVIRONMENT={}"]
    plain = run(pelican, folder, installed)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    return {"folder": folder, "before": before, "outputs": ("output", "pelican-output")}


def page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# --- The package ---------------------------------------------------------------------------


def test_the_wheel_holds_every_package_the_theme_and_the_catalogs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "generator").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    theme = {f"generator/{p.relative_to(ROOT).as_posix()}" for p in ROOT.glob("theme/**/*")}
    theme = {name for name in theme if (ROOT / name.removeprefix("generator/")).is_file()}
    catalogs = {p.relative_to(ROOT).as_posix() for p in ROOT.glob("generator/locale/**/*.po")}
    assert {"generator/site/portal.py", "generator/register/loader.py"} <= modules
    assert {n for n in theme if n.endswith(".html")} and {n for n in theme if n.endswith(".js")}
    assert {n for n in theme if n.endswith(".css")} and catalogs
    assert modules - names == set()
    assert theme - names == set()
    assert catalogs - names == set()


def test_the_host_builds_run_the_installed_package_not_the_repository(host, installed):
    probe = "import generator.portaltheme as t; print(t.__file__); print(t.theme_folder())"
    done = run([sys.executable, "-c", probe], host["folder"], installed)
    module, theme = done.stdout.split()
    assert Path(module).is_relative_to(installed)
    assert Path(theme) == installed / "generator" / "theme"


# --- The host site ---------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["output", "pelican-output"])
def test_the_host_article_and_page_keep_the_host_theme(host, output):
    site = host["folder"] / output
    article = page(site / "hello.html")
    assert article.body["class"] == ["host-theme"]
    assert article.select_one("article.host-article strong").text == "own"
    assert page(site / "pages" / "about.html").body["class"] == ["host-theme"]
    assert "Hello from the ministry" in page(site / "blog" / "index.html").text
    assert (site / "theme" / "css" / "host.css").is_file()
    assert (site / "feeds" / "all.atom.xml").is_file()  # a host keeps its feeds


@pytest.mark.parametrize("output", ["output", "pelican-output"])
def test_the_portal_pages_are_in_the_host_site_in_the_portal_theme(host, output):
    site = host["folder"] / output
    published = json.loads((site / "data" / "targets.json").read_text(encoding="utf-8"))
    ids = sorted(t["id"] for t in published["targets"])
    assert ids == sorted(Path(name).stem for name in SAMPLE_TARGETS)
    for target in ids:
        shown = page(site / "targets" / f"{target}.html")
        assert shown.select_one("article.target") is not None
        assert shown.body.get("class") != ["host-theme"]
    dashboard = page(site / "index.html")
    assert dashboard.select_one('link[href$="theme/css/portal.css"]') is not None
    for name in ("css/portal.css", "css/print.css", "js/search.js"):
        assert (site / "theme" / name).read_bytes() == (
            ROOT / "theme" / "static" / name
        ).read_bytes()
    # The catalogs came with the package: the zh-Hant pages speak Chinese.
    assert "評級方法" in (site / "zh-hant" / "index.html").read_text(encoding="utf-8")
    assert (site / "pagefind" / "pagefind.js").is_file()


def test_the_host_keeps_its_own_jinja_settings_and_the_portal_its_own(host):
    site = host["folder"] / "pelican-output"  # the host's JINJA_ENVIRONMENT: no autoescape
    subtitle = page(site / "hello.html").select_one(".host-subtitle")
    assert subtitle.decode_contents() == SUBTITLE
    override = page(site / "data" / "index.html").select_one("#host-override")
    assert SUBTITLE in override.text and override.find("b") is None  # escaped in the portal's


@pytest.mark.parametrize("output", ["output", "pelican-output"])
def test_a_template_override_replaces_the_portal_template(host, output):
    opendata = page(host["folder"] / output / "data" / "index.html")
    assert "as the ministry publishes it" in opendata.select_one("#host-override").text
    # It extends the original: the portal's own open data page is still there, once.
    assert len(opendata.select('a[href$="data/targets.json"]')) >= 1
    assert len(opendata.select("#host-override")) == 1
    other = page(host["folder"] / output / "zh-hant" / "data" / "index.html")
    assert other.select_one("#host-override") is not None


def test_nothing_of_the_host_is_written_outside_its_output(host):
    folder, before = host["folder"], host["before"]
    after = tree(folder)
    assert {name: after.get(name) for name in before} == before  # nothing changed
    added = {n for n in after.keys() - before.keys() if not n.startswith(host["outputs"])}
    # Beside the output: the build's lock and record, and the chart cache (CHART_CACHE_PATH);
    # Python's own cache of the settings file.
    allowed = ("output.lock", "output.last-build.json", ".cache/", "__pycache__/pelicanconf.")
    assert {n for n in added if not n.startswith(allowed)} == set()


def test_a_host_page_where_the_portal_writes_one_is_refused_with_advice(host, installed, tmp_path):
    folder = shutil.copytree(host["folder"], tmp_path / "ministry", ignore=_outputs)
    settings = folder / "pelicanconf.py"
    settings.write_text(settings.read_text().replace('"blog/index.html"', '"index.html"'))
    done = run([sys.executable, "-m", "generator", "build"], folder, installed)
    assert done.returncode == 1
    assert "index.html: the site writes a page of its own there" in done.stderr
    assert "INDEX_SAVE_AS" in done.stderr and "Traceback" not in done.stderr


def _outputs(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n in ("output", "pelican-output", "output.last-build.json")]


def test_a_host_theme_file_in_place_of_the_portal_css_is_refused(host, installed, tmp_path):
    folder = shutil.copytree(host["folder"], tmp_path / "ministry", ignore=_outputs)
    write(folder / "theme" / "static" / "css" / "portal.css", "body { color: red }\n")
    done = run([sys.executable, "-m", "generator", "build"], folder, installed)
    assert done.returncode == 1
    assert "theme/css/portal.css: the site's THEME has a file of the same name" in done.stderr
    assert "THEME_STATIC_DIR" in done.stderr and "Traceback" not in done.stderr


# --- The settings, without a build ----------------------------------------------------------


def test_the_plugin_defaults_only_what_the_site_leaves_unset():
    def own_markdown(text):
        return text

    settings = {"SITE_OWNER": "Ministry of Examples", "JINJA_FILTERS": {"markdown": own_markdown}}
    plugin.add_settings_defaults(SimpleNamespace(settings=settings))
    assert settings["SITE_OWNER"] == "Ministry of Examples"
    assert settings["SAMPLE_DATA"] is False and settings["DATA_LICENSE"] is None
    assert settings["JINJA_FILTERS"]["markdown"] is own_markdown  # the site's own, kept
    assert settings["JINJA_FILTERS"]["fmt_number"] is plugin.TEMPLATE_FILTERS["fmt_number"]


def test_the_portal_pages_settings_leave_the_sites_own_alone():
    site_jinja = {"extensions": ["jinja2.ext.do"], "autoescape": False, "trim_blocks": False}
    settings = {"RELATIVE_URLS": False, "JINJA_ENVIRONMENT": site_jinja, "SITENAME": "M"}
    view = portal_view(settings)
    assert view["RELATIVE_URLS"] is True and view["SITENAME"] == "M"
    assert view["JINJA_ENVIRONMENT"] == {
        "extensions": ["jinja2.ext.do"], "autoescape": True,
        "trim_blocks": True, "lstrip_blocks": True,
    }  # fmt: skip
    assert settings["RELATIVE_URLS"] is False and settings["JINJA_ENVIRONMENT"] is site_jinja
    assert site_jinja["autoescape"] is False
