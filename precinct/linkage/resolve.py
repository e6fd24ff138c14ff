"""Entity resolution of person records with Splink (DuckDB or Spark): compare, train, explain.

Each record is one row of any identity source (a bike account, a hotel stay, a rental, a prior
record, a pawn ticket …).  Comparisons are made for Chinese identity data: the name as written,
its pinyin (homophone typos), family and given names swapped (romanised hotel systems), the ID
number with typos (a one-character difference counts most when one side fails its check
character), birth date, phone and address parts.  Training is unsupervised: u by random
sampling, m by expectation maximisation on several blockings.  The output is scored pairs; the
clustering (with human judgements) is ``cluster.py``.

The same settings run on both backends (``backend.py``): every function used in them exists
under the same name in DuckDB and in Spark with the jar that ships inside splink
(``damerau_levenshtein``, ``jaro_winkler``, ``array_intersect``, ``substr``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.database_api import DatabaseAPISubClass

from precinct.linkage import backend, columns
from precinct.linkage.backend import DUCKDB, Engine, check

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PersonRecord:
    key: str  # "source:row", stable across reloads
    name: str = ""
    id_number: str = ""
    birth_date: str = ""  # ISO date
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Agreement:
    field: str
    level: str
    weight: float  # log2 Bayes factor: > 0 for, < 0 against


@dataclass(frozen=True)
class ScoredPair:
    left: str
    right: str
    probability: float
    weight: float
    agreements: tuple[Agreement, ...] = field(default=())


# Comparison levels: (field, labels from the best level down to the level before "else").
_NAME_LEVELS: Final = ("same characters", "same pinyin", "family/given swapped", "pinyin close")
_ID_LEVELS: Final = ("same", "one typo, check character fails", "one character apart", "two apart")
_NEAR_LEVELS: Final = ("same", "one character apart")
_ADDRESS_LEVELS: Final = ("same", "three parts in common", "one part in common")
LEVELS: Final[dict[str, tuple[str, ...]]] = {
    "name": _NAME_LEVELS,
    "id_number": _ID_LEVELS,
    "birth_date": _NEAR_LEVELS,
    "phone": _NEAR_LEVELS,
    "address": _ADDRESS_LEVELS,
}
#: Random pairs sampled to estimate u (how often fields agree by chance).
U_PAIRS: Final = 400_000
#: Blockings for expectation maximisation: each leaves out the fields it fixes, and each stays
#: small at a million records (pinyin alone puts every 王伟 with every other: quadratic).
EM_RULES: Final = (
    block_on("id_number"),
    block_on("name_py", "substr(birth_date, 1, 4)"),
    block_on("phone"),
)
#: Same region and birth date in the ID (its first 14 characters) where one side fails its check
#: character: an ID typo in the sequence part.  Every one-character typo fails the check (ISO 7064
#: MOD 11-2), and two valid IDs that differ are two people, so the filter loses no match the ID
#: comparison could weigh, and cuts this rule from 4.6 M to 18,494 pairs at 1.1 M records.
ID_TYPO_RULE: Final = CustomRule(
    "substr(l.id_number, 1, 14) = substr(r.id_number, 1, 14) AND NOT (l.id_valid AND r.id_valid)"
)
_TYPO_SQL: Final = (
    "damerau_levenshtein(id_number_l, id_number_r) <= 1 AND (NOT id_valid_l OR NOT id_valid_r)"
)


def comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    name = [
        cll.ExactMatchLevel("name"),
        cll.ExactMatchLevel("name_py"),
        cll.ColumnsReversedLevel("family_py", "given_py"),
        cll.JaroWinklerLevel("name_py", 0.88),
    ]
    ident = [
        cll.ExactMatchLevel("id_number"),
        cll.CustomLevel(_TYPO_SQL, "one typo, check character fails"),
        cll.DamerauLevenshteinLevel("id_number", 1),
        cll.DamerauLevenshteinLevel("id_number", 2),
    ]
    levels = {
        "name": name,
        "id_number": ident,
        "birth_date": [
            cll.ExactMatchLevel("birth_date"),
            cll.DamerauLevenshteinLevel("birth_date", 1),
        ],
        "phone": [cll.ExactMatchLevel("phone"), cll.DamerauLevenshteinLevel("phone", 1)],
        "address": [
            cll.ExactMatchLevel("address"),
            cll.ArrayIntersectLevel("address_parts", 3),
            cll.ArrayIntersectLevel("address_parts", 1),
        ],
    }
    null_col = {"name": "name_py", "address": "address_parts"}
    return [
        cl.CustomComparison(
            [cll.NullLevel(null_col.get(f, f)), *lv, cll.ElseLevel()], output_column_name=f
        )
        for f, lv in levels.items()
    ]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="key",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=[
            block_on("id_number"),
            block_on("phone"),
            block_on("name_py", "birth_date"),
            block_on("sorted_py", "substr(birth_date, 1, 4)"),
            block_on("name_py", "substr(phone, 1, 7)"),
            ID_TYPO_RULE,
        ],
        retain_intermediate_calculation_columns=True,
        max_iterations=20,
    )


#: The columns of ``frame`` as Spark DDL (Spark cannot infer the type of an empty column).
SPARK_SCHEMA: Final = (
    "key string, name string, name_py string, family_py string, given_py string, "
    "sorted_py string, id_number string, id_valid boolean, birth_date string, phone string, "
    "address string, address_parts array<string>"
)


_RAW: Final = ("key", "name", "id_number", "birth_date", "phone", "address")


def frame(records: Sequence[PersonRecord]) -> pd.DataFrame:
    """The records normalised for comparison (``columns.py``: each distinct value once)."""
    raw = {f: [getattr(r, f) for r in records] for f in _RAW}
    return pd.DataFrame(columns.person_columns(raw))


def train(linker: Linker) -> None:
    """Unsupervised: the prior from deterministic rules, u by sampling, m by EM."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on("id_number"), block_on("phone", "name_py")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=1)
    for rule in EM_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, fix_probability_two_random_records_match=True
        )


def _agreements(row: dict[str, Any]) -> tuple[Agreement, ...]:
    found = []
    for name, labels in LEVELS.items():
        gamma = int(row[f"gamma_{name}"])
        if gamma < 0:
            continue
        label = "different" if gamma == 0 else labels[len(labels) - gamma]
        bf = float(row[f"bf_{name}"])
        found.append(Agreement(name, label, round(math.log2(bf), 2) if bf > 0 else -99.0))
    return tuple(found)


def linker_for(records: Sequence[PersonRecord], api: DatabaseAPISubClass) -> Linker:
    """An untrained model over the records, on a backend's database API."""
    table = backend.input_table(api, frame(records), SPARK_SCHEMA)
    return Linker(table, settings(), db_api=api, set_up_basic_logging=False)


def predict(linker: Linker, threshold: float = 0.5) -> list[ScoredPair]:
    """Every pair scoring at least ``threshold``, with its field agreements."""
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    frame_out = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    rows = frame_out.to_dict("records")
    return [
        ScoredPair(
            str(r["key_l"]),
            str(r["key_r"]),
            float(r["match_probability"]),
            float(r["match_weight"]),
            _agreements(r),
        )
        for r in rows
    ]


def score(
    records: Sequence[PersonRecord], threshold: float = 0.5, engine: Engine = DUCKDB
) -> list[ScoredPair]:
    """Train a model on these records and return every pair scoring at least ``threshold``."""
    check(engine.backend)
    if len(records) < 2:
        return []
    with backend.running(engine) as api:
        linker = linker_for(records, api)
        train(linker)
        return predict(linker, threshold)
