"""Translated names of policy areas and checking bodies, from a glossary file per language.

The register gives these names once, in the default language, because they are shared by
many targets. ``content/names.<lang>.yaml`` maps each name to its form in ``<lang>``; a
name missing from the glossary is shown as written in the register. Bureaus, departments
and working groups are not in the glossary: their names in every language are declared in
``content/bureaus.yaml``, and ``bureaufile.merge_glossary`` adds them to it.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Problem, RegisterError
from .files import read_file
from .textsafety import is_blank
from .yamldoc import MAX_FILE_BYTES, load_document

Glossary = dict[str, dict[str, str]]  # language → register name → translated name


def glossary_path(content: Path, lang: str) -> Path:
    """The glossary file of one language."""
    return content / f"names.{lang}.yaml"


def load_glossary(content: Path | str, languages: tuple[str, ...]) -> Glossary:
    """Read every language's glossary; raise ``RegisterError`` naming file and line."""
    glossary: Glossary = {}
    problems: list[Problem] = []
    for lang in languages:
        path = glossary_path(Path(content), lang)
        # Absent is no glossary; anything else there (a link, a pipe) is read or refused.
        if os.path.lexists(path):
            names, found = _read(path)
            glossary[lang] = names
            problems += found
    if problems:
        raise RegisterError(problems)
    return glossary


def _read(path: Path) -> tuple[dict[str, str], list[Problem]]:
    # Only a regular file, within the size limit, as every register file (files.read_file).
    text, why = read_file(path, MAX_FILE_BYTES, "a glossary holds names only")
    if text is None:
        return {}, [Problem(str(path), None, "", why or "cannot read file")]
    document, problems = load_document(str(path), text)
    if document is None or problems:
        return {}, problems
    data = document.data
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [document.problem((), "must be a mapping of `Register name: translated name`")]
    names = {}
    for key, value in data.items():
        if (
            not isinstance(key, str)
            or not isinstance(value, str)
            or is_blank(value)
            or is_blank(key)
        ):
            message = "each entry must be `Register name: translated name`, both text"
            problems.append(document.problem((key,), message))
        else:
            names[key] = value.strip()
    return names, problems


def translate_name(glossary: Glossary, name: str, lang: str | None) -> str | None:
    """``name`` in ``lang``, or None when the glossary has no translation for it."""
    return glossary.get(lang, {}).get(name)


def name_in(glossary: Glossary, name: str, lang: str | None) -> str:
    """``name`` in ``lang`` where the glossary has it, else as the register writes it."""
    return translate_name(glossary, name, lang) or name
