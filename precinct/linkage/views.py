"""Plain dicts of linkage results for JSON and the CLI."""

from __future__ import annotations

from typing import Any

from precinct.linkage import leads as ranking
from precinct.linkage import pawn, series
from precinct.linkage.store import LinkMatch, LinkRecord, LinkSource


def record_dict(r: LinkRecord, sources: dict[int, LinkSource]) -> dict[str, Any]:
    source = sources.get(r.source_id)
    return {
        "key": r.key,
        "source": source.name if source else "",
        "row": r.row,
        "source_title": source.title if source else "",
        "kind": r.kind,
        "name": r.name,
        "id_number": r.id_number,
        "phone": r.phone,
        "address": r.address,
        "at": r.at,
        "detail": r.detail,
        "person_key": r.person_key,
    }


def match_dict(m: LinkMatch) -> dict[str, Any]:
    return {
        "left": m.left_key,
        "right": m.right_key,
        "probability": m.probability,
        "weight": m.weight,
        "agreements": m.agreements,
    }


def lead_dict(rank: int, lead: ranking.Lead) -> dict[str, Any]:
    t = lead.trip
    return {
        "rank": rank,
        "person_key": lead.person_key,
        "name": lead.name,
        "id_number": lead.id_number,
        "score": lead.score,
        "trip": {
            "trip_id": t.trip_id,
            "bike_id": t.bike_id,
            "account": t.account,
            "unlock_at": t.unlock_at,
            "lock_at": t.lock_at,
        },
        "reasons": [r.__dict__ for r in lead.reasons],
    }


def series_dict(s: series.SeriesCase) -> dict[str, Any]:
    return {
        "series_case": s.case.number,
        "title": s.case.title,
        "at": s.case.at,
        "metres": s.metres,
        "days": s.days,
        "mo": s.mo,
    }


def item_dict(m: pawn.ItemMatch) -> dict[str, Any]:
    return {
        "item_id": m.item.item_id,
        "description": m.item.description,
        "serial": m.item.serial,
        "listing": m.listing.key,
        "shop": m.listing.shop,
        "listed_at": m.listing.listed_at,
        "score": m.score,
        "reason": m.reason,
    }
