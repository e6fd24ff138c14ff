from __future__ import annotations

import re
from pathlib import Path

import pytest

from precinct.cases.domain import AlarmStatus, CaseStatus, CaseType, PartyRole, PropertyStatus
from precinct.core.audit import AuditAction
from precinct.core.auth import Role
from precinct.core.i18n import LANGUAGES, catalog, merge_catalogs, pick_language, translate

PACKAGE = Path(__file__).resolve().parents[2] / "precinct"


def test_catalogs_have_the_same_keys_and_no_empty_text() -> None:
    zh, en = catalog("zh-CN"), catalog("en")
    assert set(zh) == set(en)
    assert all(v.strip() for v in [*zh.values(), *en.values()])


def test_capability_catalogs_merge_and_refuse_a_twice_defined_id(tmp_path: Path) -> None:
    core, own, clashing = tmp_path / "core.json", tmp_path / "own.json", tmp_path / "bad.json"
    core.write_text('{"a.x": "X"}', "utf-8")
    own.write_text('{"b.y": "Y"}', "utf-8")
    clashing.write_text('{"a.x": "again"}', "utf-8")
    assert merge_catalogs([core, own]) == {"a.x": "X", "b.y": "Y"}
    with pytest.raises(ValueError, match=r"bad\.json: message ids already defined elsewhere: a\.x"):
        merge_catalogs([core, own, clashing])


def test_every_key_used_in_templates_exists() -> None:
    used: set[str] = set()
    for template in PACKAGE.rglob("templates/*.html"):
        used |= set(re.findall(r"t\('([a-z_.0-9A-Z]+)'[,)]", template.read_text("utf-8")))
    assert used, "no template keys found"
    assert used - set(catalog("en")) == set()


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("case_status", CaseStatus),
        ("case_type", CaseType),
        ("role_in_case", PartyRole),
        ("item_status", PropertyStatus),
        ("alarm_status", AlarmStatus),
        ("role", Role),
        ("action", AuditAction),
    ],
)
def test_every_enum_value_has_a_label(prefix: str, values: type) -> None:
    for lang in LANGUAGES:
        for value in values:  # type: ignore[attr-defined]
            assert f"{prefix}.{value}" in catalog(lang), (lang, prefix, value)


def test_translate_formats_and_falls_back() -> None:
    assert translate("en", "fig.solved", n=3) == "3 solved"
    assert translate("zh-CN", "fig.solved", n=3) == "已破 3 起"
    assert translate("en", "no.such.key") == "no.such.key"
    assert pick_language("en", "zh-CN") == "en" and pick_language("fr", "zh-CN") == "zh-CN"
