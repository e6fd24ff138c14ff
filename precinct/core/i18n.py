"""Two languages, zh-CN (default) and English, from JSON catalogs keyed by message id."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh-CN", "en")
LANGUAGE_NAMES = {"zh-CN": "中文", "en": "English"}
LOCALES = Path(__file__).parent / "locales"

Translator = Callable[..., str]


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    data: dict[str, str] = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    return data


def translate(lang: str, key: str, **values: Any) -> str:
    """The message for `key` in `lang`; an unknown key shows itself so that it gets noticed."""
    text = catalog(lang).get(key, key)
    return text.format(**values) if values else text


def translator(lang: str) -> Translator:
    def t(key: str, **values: Any) -> str:
        return translate(lang, key, **values)

    return t


def pick_language(requested: str | None, default: str) -> str:
    return requested if requested in LANGUAGES else default
