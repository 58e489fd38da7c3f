"""A copy of the project's content folder with more bureaus declared, for test registers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import ROOT


def content_with(
    folder: Path,
    bureaus: list[dict] = (),
    *,
    replace: str | None = None,
    names: str | None = None,
) -> Path:
    """``folder``/content: content/ with ``bureaus`` declared after the sample's.

    ``replace`` is a whole bureaus.yaml to use instead; ``names`` a names.zh-Hant.yaml.
    Returns the folder to pass as the PATH setting.
    """
    content = Path(folder) / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "bureaus.yaml"
    text = path.read_text(encoding="utf-8") if replace is None else replace
    # JSON is YAML: one flow mapping a line, whatever the names hold.
    text += "".join(f"- {json.dumps(b, ensure_ascii=False)}\n" for b in bureaus)
    path.write_text(text, encoding="utf-8")
    if names is not None:
        (content / "names.zh-Hant.yaml").write_text(names, encoding="utf-8")
    return content


def declared(code: str, en: str, **fields) -> dict:
    """A bureaus.yaml entry: ``code``, its English name, and any other fields."""
    return {"code": code, "name": {"en": en}, **fields}
