"""``content/bureaus.yaml`` read and checked, and with it the names glossaries.

Problems in the file are reported like register problems (``file:line: field: message``)
and refuse both ``validate`` and the build, which read the content folder alike.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from pathlib import Path

from .bureaus import Bureau, Bureaus, UndeclaredBureau, undeclared_message
from .errors import Problem, RegisterError
from .files import read_file
from .lookalike import difference, skeleton
from .names import glossary_path, load_glossary
from .quarters import Quarter
from .textsafety import is_blank
from .yamldoc import EMPTY_FILE, MAX_FILE_BYTES, Document, load_document

BUREAUS_FILE = "bureaus.yaml"
CODE_RE = re.compile(r"^[A-Z][A-Z0-9-]{1,15}$")
KINDS = ("bureau", "department", "working_group")
FIELDS = ("code", "name", "kind", "panel", "abolished")
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def bureaus_path(content: Path | str) -> Path:
    """Where the declared bureaus are kept: ``bureaus.yaml`` in the content folder."""
    return Path(content) / BUREAUS_FILE


def load_bureaus(content: Path | str, languages: tuple[str, ...]) -> Bureaus:
    """Read and check ``<content>/bureaus.yaml``; raise ``RegisterError`` naming file and line.

    ``languages`` is the LANGUAGES setting, the default language first.
    """
    from .loader import display_path  # the register imports bureaus, not this module

    path = bureaus_path(content)
    shown = display_path(path)
    if not os.path.lexists(path):
        message = (
            "not found: declare every bureau the register names in this file "
            "(see docs/REGISTER.md, 'Bureaus')"
        )
        raise RegisterError([Problem(shown, None, "", message)])
    # Only a regular file, within the size limit, as every register file (files.read_file).
    text, why = read_file(path, MAX_FILE_BYTES, "it declares bureaus only")
    if text is None:
        raise RegisterError([Problem(shown, None, "", why or "cannot read file")])
    bureaus, problems = read_bureaus(shown, text, languages)
    if problems:
        raise RegisterError(problems)
    return bureaus


def read_bureaus(shown: str, text: bytes, languages: tuple[str, ...]) -> tuple[Bureaus, list]:
    """The bureaus declared in ``text`` (the file shown as ``shown``) and its problems."""
    default = languages[0]
    doc, problems = load_document(shown, text)
    if doc is None or problems:
        if [p.message for p in problems] == [EMPTY_FILE]:  # that message speaks of targets
            problems = [Problem(shown, 1, "", _EMPTY)]
        return Bureaus(shown, default), problems
    if not isinstance(doc.data, list) or not doc.data:
        return Bureaus(shown, default), [doc.problem((), _EMPTY)]
    entries: list[tuple[int, Bureau]] = []
    for i in range(len(doc.data)):
        bureau, found = _entry(doc, i, languages)
        problems += found
        if bureau is not None:
            entries.append((i, bureau))
    problems += _clashes(doc, entries)
    return Bureaus(shown, default, tuple(b for _, b in entries)), problems


_EMPTY = (
    "must be a list of bureaus, each starting '- code: ...' with its name: "
    "see the comments at the top of the sample content/bureaus.yaml"
)


def _entry(doc: Document, i: int, languages: tuple[str, ...]) -> tuple[Bureau | None, list]:
    data = doc.data[i]
    if not isinstance(data, dict):
        message = "each bureau must be a mapping of fields: code, name, kind, panel, abolished"
        return None, [doc.problem((i,), message)]
    problems = [doc.problem((i, k), _unknown_field(k)) for k in data if k not in FIELDS]
    code = _code(doc, i, problems)
    names = _names(doc, (i, "name"), languages, problems, required=True)
    panel = _names(doc, (i, "panel"), languages, problems, required=False)
    kind = data.get("kind", "bureau")
    if kind not in KINDS:
        message = f"{kind!r} is not a kind of bureau: write one of {', '.join(KINDS)}"
        problems.append(doc.problem((i, "kind"), message))
    abolished = _quarter(doc, (i, "abolished"), problems)
    if problems:
        return None, problems
    return Bureau(code, names, kind, panel, abolished, doc.line((i,))), []


def _unknown_field(key) -> str:
    close = difflib.get_close_matches(str(key), FIELDS, n=1)
    if close:
        return f"unknown field; did you mean '{close[0]}'?"
    return f"unknown field: remove it, or use one of {', '.join(FIELDS)}"


def _code(doc: Document, i: int, problems: list) -> str:
    code = doc.data[i].get("code")
    if code is None:
        problems.append(doc.problem((i,), "required field 'code' is missing: add 'code: ...'"))
    elif not isinstance(code, str) or not CODE_RE.match(code):
        message = (
            f"{code!r} is not a bureau code: write 2 to 16 capital letters, digits or '-', "
            "starting with a letter, such as HB"
        )
        problems.append(doc.problem((i, "code"), message))
    elif code == "INDEX" or "-BY-" in code:
        # bureaus/index.html lists the bureaus; x-by-status.html is a page's other order.
        message = f"{code!r} is kept for the site's own pages (INDEX, -BY-): choose another code"
        problems.append(doc.problem((i, "code"), message))
    else:
        return code
    return ""


def _names(doc: Document, path: tuple, languages: tuple[str, ...], problems: list,
           required: bool) -> dict[str, str]:  # fmt: skip
    value = doc.data[path[0]].get(path[1])
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        example = f"{{{languages[0]}: ..., zh-Hant: ...}}"
        problems.append(doc.problem(path, f"must be a map of language to text, such as {example}"))
        return {}
    names = {}
    for lang, text in value.items():
        message = _lang_problem(lang, languages) or _text_problem(text)
        if message:
            problems.append(doc.problem((*path, lang), message))
        else:
            names[lang] = text
    if required and languages[0] not in value:
        message = f"the default language '{languages[0]}' must be given: add '{languages[0]}: ...'"
        problems.append(doc.problem(path, message))
    return names


def _lang_problem(lang, languages: tuple[str, ...]) -> str | None:
    if not isinstance(lang, str) or not LANG_RE.match(lang):
        return f"{lang!r} is not a language code (such as en, zh-Hant)"
    for known in languages:
        if lang != known and lang.lower() == known.lower():
            return f"'{lang}' is written '{known}' in LANGUAGES: write '{known}'"
    return None


def _text_problem(text) -> str | None:
    if not isinstance(text, str) or is_blank(text):
        return "must be text: write the name after the colon"
    if text != " ".join(text.split()):
        return "must be one line with single spaces, none at either end: retype the spaces"
    if any(unicodedata.category(c) == "Cf" for c in text):
        return "has an invisible character: retype the name"
    return None


def _quarter(doc: Document, path: tuple, problems: list) -> Quarter | None:
    value = doc.data[path[0]].get(path[1])
    if value is None:
        return None
    try:
        return Quarter.parse(str(value))
    except ValueError:
        problems.append(doc.problem(path, f"{value!r} is not a quarter (use YYYY-Qn)"))
        return None


def _clashes(doc: Document, entries: list[tuple[int, Bureau]]) -> list[Problem]:
    """Codes unique; no two bureaus with codes or names that look the same."""
    problems = []
    seen: dict[str, tuple[Bureau, str]] = {}
    for i, bureau in entries:
        for spelling in bureau.spellings():
            other, written = seen.setdefault(skeleton(spelling), (bureau, spelling))
            if other is bureau:
                continue
            if spelling == written:
                how = f"is already used by {other.code} (line {other.line})"
            else:
                how = (
                    f"cannot be told apart from '{written}' of {other.code} (line {other.line}): "
                    f"it differs only in {difference(spelling, written)}"
                )
            message = (
                f"{spelling!r} {how}: give each bureau a code and names of its own; "
                "a code is never reused, even after its bureau is abolished"
            )
            problems.append(doc.problem(_where(i, bureau, spelling), message))
    return problems


def _where(i: int, bureau: Bureau, spelling: str) -> tuple:
    if spelling == bureau.code:
        return (i, "code")
    lang = next(lang for lang, name in bureau.names.items() if name == spelling)
    return (i, "name", lang)


def merge_glossary(glossary: dict, bureaus: Bureaus, glossary_files: dict[str, str]) -> dict:
    """The names glossary with every bureau's names added from bureaus.yaml.

    A glossary entry for a declared bureau's name is refused: its translations are kept
    in bureaus.yaml only, so that a name has one translation. ``glossary_files`` names
    each language's glossary file, for the message.
    """
    declared = bureaus.glossary()
    problems = [
        Problem(glossary_files.get(lang, lang), None, name,
                f"is a declared bureau: its name in each language is kept in {bureaus.path}; "
                "remove it here")
        for lang, names in sorted(glossary.items())
        for name in names if bureaus.by_name(name) is not None
    ]  # fmt: skip
    if problems:
        raise RegisterError(problems)
    langs = sorted(set(glossary) | set(declared))
    return {lang: {**glossary.get(lang, {}), **declared.get(lang, {})} for lang in langs}


def read_content(content: Path | str, languages: tuple[str, ...]) -> tuple:
    """bureaus.yaml and every language's names glossary: (bureaus, glossary, problems).

    The glossary comes back with the bureaus' names merged in. ``bureaus`` is None when
    bureaus.yaml itself has problems (the register then cannot be checked against it).
    """
    from .loader import display_path  # the register imports bureaus, not this module

    problems: list[Problem] = []
    try:
        glossary = load_glossary(content, languages)
    except RegisterError as exc:
        glossary, problems = {}, list(exc.problems)
    try:
        bureaus = load_bureaus(content, languages)
    except RegisterError as exc:
        return None, glossary, problems + exc.problems
    files = {lang: display_path(glossary_path(Path(content), lang)) for lang in languages}
    try:
        glossary = merge_glossary(glossary, bureaus, files)
    except RegisterError as exc:
        problems += exc.problems
    return bureaus, glossary, problems


def load_content(content: Path | str, languages: tuple[str, ...]) -> tuple[Bureaus, dict]:
    """The declared bureaus and the glossary with their names; raise ``RegisterError``."""
    bureaus, glossary, problems = read_content(content, languages)
    if problems or bureaus is None:
        raise RegisterError(problems)
    return bureaus, glossary


def declared_name(content: Path | str, languages: tuple[str, ...], written: str) -> str:
    """The published name of the bureau ``written`` as a code or name (for new-target).

    Raises ``UndeclaredBureau`` listing every declared bureau when it is not declared.
    """
    bureaus = load_bureaus(content, languages)
    bureau = bureaus.resolve(written)
    if bureau is None:
        raise UndeclaredBureau(
            f"--bureau: {undeclared_message(written, bureaus)}\n"
            f"The declared bureaus (code, name):\n{bureaus.listing()}"
        )
    return bureaus.name(bureau)
