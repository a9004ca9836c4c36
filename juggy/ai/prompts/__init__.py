"""Versioned prompt files. ``render("interviewer")`` fills ``{{name}}`` placeholders in interviewer.v1.md.

To change a prompt, add a new file (``interviewer.v2.md``) and bump ``VERSIONS``: stored plans and
analyses record the version that produced them, so old results stay explainable.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

VERSIONS = {"interviewer": "v1", "plan": "v1", "analysis": "v2", "assess": "v1"}
_DIR = Path(__file__).resolve().parent
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@cache
def load(name: str) -> str:
    return (_DIR / f"{name}.{VERSIONS[name]}.md").read_text(encoding="utf-8")


def version(name: str) -> str:
    return f"{name}.{VERSIONS[name]}"


def render(name: str, **values: object) -> str:
    text = load(name)
    missing = sorted({m for m in _PLACEHOLDER.findall(text) if m not in values})
    if missing:
        raise KeyError(f"Prompt {version(name)} needs values for: {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text).strip()
