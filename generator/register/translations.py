"""Register text missing in one of the site's languages: for REQUIRE_TRANSLATIONS and reviewers.

Only the fields the model declares as translated (``title`` and ``description``, as
REGISTER.md says) may be given per language; every other text is written once, in the
default language.
"""

from __future__ import annotations

from pathlib import Path

from .errors import Problem
from .fields import translated
from .files import read_file
from .model import Target
from .yamldoc import MAX_FILE_BYTES, load_document

TRANSLATED_FIELDS = translated(Target)


def missing_translations(target: Target, languages: tuple[str, ...]) -> dict[str, list[str]]:
    """For each translatable field the target has, the languages it is not given in."""
    missing = {}
    for name in TRANSLATED_FIELDS:
        texts = getattr(target, name)
        if texts:
            absent = [lang for lang in languages if lang not in texts]
            if absent:
                missing[name] = absent
    return missing


def translation_problems(targets: list[Target], languages: tuple[str, ...]) -> list[Problem]:
    """One problem per field lacking a language, located at the field's line."""
    problems = []
    for target in targets:
        missing = missing_translations(target, languages)
        lines = _field_lines(target.source_path) if missing else {}
        for name, absent in missing.items():
            add = ", ".join(f"'{lang}: ...'" for lang in absent)
            message = (
                f"no text in {', '.join(absent)}, and REQUIRE_TRANSLATIONS is on: "
                f"write {name} as a map of languages and add {add}"
            )
            problems.append(Problem(target.source_path, lines.get(name), name, message))
    return problems


def _field_lines(source_path: str) -> dict[str, int | None]:
    # Lines are only needed for the few files with a problem: read those again.
    data, _ = read_file(Path(source_path), MAX_FILE_BYTES)
    document, _ = load_document(source_path, data) if data is not None else (None, [])
    if document is None:
        return {}
    return {name: document.line((name,)) for name in TRANSLATED_FIELDS}


def missing_translations_markdown(targets: list[Target], languages: tuple[str, ...]) -> list[str]:
    """A Markdown section listing the given targets' missing translations, if any."""
    rows = []
    for target in targets:
        for name, absent in missing_translations(target, languages).items():
            rows.append(f"| `{target.id}` | `{name}` | {', '.join(absent)} |")
    if not rows:
        return []
    header = ["### Missing translations", "", "| Target | Field | Not given in |", "|---|---|---|"]
    return [*header, *rows, ""]
