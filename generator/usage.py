"""How the command line names itself, and its usage errors in plain words.

Staff reach the same commands two ways: ``invoke report`` (tasks.py) and ``python -m
generator report``. Every message names the program the user typed, never the other, and
every follow-up command a message suggests (``serve`` after a build) is one that works as
written from where the user is: ``.venv/bin/invoke serve`` when the virtual environment is
not activated, ``invoke serve`` when it is.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import sys
from pathlib import Path

CLI = "python -m generator"
INVOKE = "invoke"


class Parser(argparse.ArgumentParser):
    """argparse with messages in the validator's manner: ``--option: what is wrong``."""

    program = CLI  # as the user typed it: CLI, or INVOKE for a task
    command: str | None = None
    shown: str | None = None  # the command as typed: the invoke task's name (publish)
    examples: dict[str, str] = {}  # an example of each option; set per command, never mutated

    def error(self, message: str):
        self.print_usage(sys.stderr)
        message = reword(message, self.program, self.shown or self.command, self.examples)
        self.exit(2, f"{self.prog}: error: {message}\n")


def runnable(prog: str) -> str:
    """The words that run ``prog`` (``invoke`` or ``python -m generator``) from here."""
    name = "invoke" if prog == INVOKE else "python"
    here = Path(sys.executable).parent
    found = shutil.which(name)
    # The same folder, not the same file: a venv's python is a link to the system's.
    if found is not None and Path(found).parent.resolve() == here.resolve():
        command = name
    else:
        command = shlex.quote(_shown(here / Path(sys.executable).name if name == "python"
                                     else here / name))  # fmt: skip
    return command if prog == INVOKE else f"{command} -m generator"


def _shown(path: Path) -> str:
    """``path`` as typed from the current folder: ``.venv/bin/invoke``, else absolute."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return relative if not relative.startswith("..") else str(path)


def help_hint(prog: str, command: str | None) -> str:
    """Where the user reads a command's options, as they would type it."""
    if prog == INVOKE:
        return f"'invoke --help {command}'" if command else "'invoke --list'"
    return f"'{CLI} {command} --help'" if command else f"'{CLI} --help'"


def reword(message: str, prog: str, command: str | None, examples: dict[str, str]) -> str:
    """argparse's ``message`` in the validator's manner: ``--option: what is wrong: what to
    do``. ``examples`` gives an example value of each option (from the command's example)."""
    see = help_hint(prog, command)
    if found := re.fullmatch(r"the following arguments are required: (.+)", message):
        missing = [flag for flag in found[1].split(", ") if flag.startswith("-")]
        if not missing:  # no command: the top-level parser's own positional
            return f"no command given: name one, such as build or validate (see {see})"
        example = " ".join(examples.get(flag, f"{flag} ...") for flag in missing)
        verb, them = ("is", "it") if len(missing) == 1 else ("are", "them")
        return (
            f"{_join(missing)} {verb} required but not given: add {them}, as in {example} "
            f"(see {see})"
        )
    if found := re.fullmatch(r"one of the arguments (.+) is required", message):
        flags = found[1].split()
        return f"{_join(flags, 'or')} is required: give one of them (see {see})"
    if found := re.fullmatch(r"argument (\S+): not allowed with argument (\S+)", message):
        return f"{found[1]}: not with {found[2]}: give one of them, not both"
    if found := re.fullmatch(
        r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)", message
    ):
        choices = ", ".join(c.strip("'\"") for c in found[3].split(", "))
        if found[1] == "command":
            return f"{found[2]} is not a command: use one of {choices}"
        return f"{found[1]}: {found[2]} is not one of {choices}: write one of them"
    if found := re.fullmatch(r"argument (\S+): expected one argument", message):
        return (
            f"{found[1]}: needs a value after it, as in {examples.get(found[1], found[1] + ' ...')}"
        )
    if found := re.fullmatch(r"unrecognized arguments: (.+)", message):
        return f"{found[1]}: not an option of this command (see {see})"
    # A value refused by its option's check: "argument --value: ..." → "--value: ...".
    return re.sub(r"^argument (-[\w-]+(?:/-[\w-]+)*): ", r"\1: ", message)


def option_examples(example: str) -> dict[str, str]:
    """Each option of a command's example with its value: ``{"--id": "--id PA2023-017"}``."""
    words = shlex.split(example)
    shown: dict[str, str] = {}
    for i, word in enumerate(words):
        if word.startswith("--"):
            value = words[i + 1] if i + 1 < len(words) and not words[i + 1].startswith("--") else ""
            shown[word] = shlex.join([word, value]) if value else word
    return shown


def _join(items: list[str], last: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"
