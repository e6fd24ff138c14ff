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
PACKAGE = Path(__file__).resolve().parent.parent

Translator = Callable[..., str]


def catalog_files(lang: str) -> list[Path]:
    """The shared catalog first, then each capability's own (`precinct/<capability>/locales`)."""
    own = sorted(p for p in PACKAGE.glob(f"*/locales/{lang}.json") if p.parent != LOCALES)
    return [LOCALES / f"{lang}.json", *own]


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return merge_catalogs(catalog_files(lang))


def merge_catalogs(paths: list[Path]) -> dict[str, str]:
    """One catalog from several files; a message id defined twice is an error, not a silent win."""
    merged: dict[str, str] = {}
    for path in paths:
        data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        clash = sorted(merged.keys() & data.keys())
        if clash:
            raise ValueError(f"{path}: message ids already defined elsewhere: {', '.join(clash)}")
        merged.update(data)
    return merged


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
