"""The portal's own theme, wherever the portal is installed, and how the plugin uses it.

The portal renders its pages with its own templates, not the Pelican site's THEME, so
that it can be added to any Pelican site: a host's theme styles the host's articles, the
portal's theme the portal's pages. The templates are looked up in the host's
THEME_TEMPLATES_OVERRIDES first (so a host can replace any one of them), then in the
portal's; an override that only adds to a template extends the original as
``{% extends "!portal/<name>.html" %}``.

Installed from a wheel, the theme is package data (``generator/theme``); in a source
checkout it is the repository's top-level ``theme/`` folder (pyproject.toml and setup.py
map one onto the other).
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader

from . import CODE
from .register.errors import PortalError
from .register.files import list_tree, read_file

PACKAGED = CODE / "theme"
CHECKOUT = CODE.parent / "theme"
# The templates link the theme's files as {{ SITEURL }}/theme/css/portal.css: always this
# folder of the output, whatever the host's THEME_STATIC_DIR.
STATIC_DIR = "theme"
PREFIX = "!portal"
# A stylesheet or script larger than this is not the portal's.
STATIC_LIMIT = 10_000_000


def theme_folder() -> Path:
    """The portal's theme folder (``templates/``, ``static/``); raise ``PortalError`` if the
    installation has lost it."""
    if (PACKAGED / "templates").is_dir():
        return PACKAGED
    # Only a source checkout has the theme beside the package, with pyproject.toml.
    if (CODE.parent / "pyproject.toml").is_file() and (CHECKOUT / "templates").is_dir():
        return CHECKOUT
    raise PortalError(
        f"the portal's theme is missing: neither {PACKAGED} nor a source checkout's "
        f"{CHECKOUT} has its templates; reinstall the portal (pip install kpi-portal)"
    )


def use_portal_templates(env: Environment, overrides: list[str]) -> list[str]:
    """Make ``env`` load the portal's templates, THEME_TEMPLATES_OVERRIDES first; return the
    folders searched, in order (for Pelican's "template not found" message)."""
    templates = str(theme_folder() / "templates")
    searched = [*overrides, templates]
    env.loader = ChoiceLoader(
        [FileSystemLoader(searched), PrefixLoader({PREFIX: FileSystemLoader(templates)})]
    )
    return searched


def static_files() -> list[tuple[str, bytes]]:
    """The theme's stylesheets and scripts: (path in the output, bytes), sorted by path."""
    static = theme_folder() / "static"
    found = []
    for path in list_tree(static).files:
        data, refused = read_file(path, STATIC_LIMIT)
        if data is None:
            raise PortalError(f"{path}: {refused}")
        found.append((f"{STATIC_DIR}/{path.relative_to(static).as_posix()}", data))
    return found


def replaced_static_files(output: Path, written: list[tuple[str, bytes]]) -> list[str]:
    """Which of the theme files ``written`` into ``output`` something else overwrote since
    (the host theme's own files, copied by Pelican into the same folder)."""
    replaced = []
    for name, data in written:
        found, _ = read_file(output / name, STATIC_LIMIT)
        if found != data:
            replaced.append(name)
    return replaced
