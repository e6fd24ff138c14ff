"""Column-wise normalisation gives exactly what the row-by-row normalisers give."""

from __future__ import annotations

import pytest

from precinct.linkage import columns, normalise
from precinct.linkage.resolve import PersonRecord, frame

VALID = "42011319900307001X"
WIDE = "４２０１１３１９９００３０７００１Ｘ"  # full-width digits
HOME = "湖北省武汉市 江夏区新庙村二组47号"
RECORDS = [
    PersonRecord("a:1", "刘伟", VALID, "", "13800138000", "武汉市江夏区新庙村二组47号"),
    PersonRecord("a:2", " 刘 伟 ", "42011319900307001x", "", "", HOME),
    PersonRecord("a:3", "WEI LIU", "420113199003070021", "1990-03-07", "", ""),  # check fails
    PersonRecord("a:4", "欧阳娜娜", WIDE, "", "13800138001", "302室"),
    PersonRecord("a:5", "刘伟3", "420113199002300011", "", "", "光谷大道"),  # 30 February
    PersonRecord("a:6", "", "990113199003070012", "", "", ""),  # unknown province
    PersonRecord("a:7", "Li@", "420113189901010011", "", "", ""),  # born before 1900
    PersonRecord("a:8", "李玮", "", "", "", "武汉市洪山区珞喻路1037号"),
]


def _by_row(r: PersonRecord) -> dict[str, object]:
    try:
        parts: normalise.NameParts | None = normalise.name_parts(r.name) if r.name else None
    except ValueError:
        parts = None
    ident = normalise.id_number(r.id_number) if r.id_number else None
    born = r.birth_date or (
        f"{ident.value[6:10]}-{ident.value[10:12]}-{ident.value[12:14]}" if ident else ""
    )
    return {
        "key": r.key,
        "name": parts.name if parts else None,
        "name_py": parts.pinyin if parts else None,
        "family_py": parts.family_py if parts else None,
        "given_py": parts.given_py if parts else None,
        "sorted_py": parts.sorted_py if parts else None,
        "id_number": ident.value if ident else None,
        "id_valid": ident.valid if ident else None,
        "birth_date": born or None,
        "phone": r.phone or None,
        "address": normalise.address(r.address) if r.address else None,
        "address_parts": list(normalise.address_tokens(r.address)) or None if r.address else None,
    }


def test_frame_equals_the_row_by_row_normalisers() -> None:
    rows = frame(RECORDS).to_dict("records")
    assert rows == [_by_row(r) for r in RECORDS]
    assert [r["id_valid"] for r in rows] == [True, True, False, True, False, False, False, None]


def test_id_validity_checks_province_birth_date_and_check_character() -> None:
    ids = [VALID, "420113199003070021", "420113199002300011", "990113199003070012"]
    assert columns.id_validity(ids).tolist() == [True, False, False, False]
    assert columns.id_validity([]).tolist() == []


def test_an_empty_frame_has_the_columns_and_bad_ids_are_refused() -> None:
    assert list(frame([]).columns)[:3] == ["key", "name", "name_py"]
    with pytest.raises(ValueError, match="18-character"):
        frame([PersonRecord("a:1", id_number="4201131990")])
