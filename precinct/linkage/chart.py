"""The link chart of a case: leads, their phones, bikes, prior cases and pawned items, as a graph
(cytoscape.js elements: nodes and edges with ``data``).  Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from precinct.linkage.leads import Lead
from precinct.linkage.pawn import ItemMatch


class Graph:
    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[str, dict[str, Any]] = {}

    def node(self, node_id: str, label: str, kind: str) -> str:
        self.nodes.setdefault(node_id, {"id": node_id, "label": label, "kind": kind})
        return node_id

    def edge(self, source: str, target: str, label: str) -> None:
        edge_id = f"{source}->{target}"
        self.edges.setdefault(
            edge_id, {"id": edge_id, "source": source, "target": target, "label": label}
        )

    def elements(self) -> list[dict[str, Any]]:
        return [{"data": d} for d in [*self.nodes.values(), *self.edges.values()]]


def _lead(g: Graph, case: str, lead: Lead, pawned_by: dict[str, list[ItemMatch]]) -> None:
    person = g.node(lead.person_key, lead.name or lead.trip.account, "person")
    g.edge(person, case, f"lead {lead.score:.1f}")
    phone = g.node("phone:" + lead.trip.account, lead.trip.account, "phone")
    g.edge(person, phone, "account")
    bike = g.node("bike:" + lead.trip.bike_id, lead.trip.bike_id, "bike")
    g.edge(phone, bike, lead.trip.unlock_at.strftime("%H:%M"))
    for reason in lead.reasons:
        if reason.code == "prior":
            number = reason.text.rsplit("(", 1)[-1].rstrip(")")
            g.edge(person, g.node("case:" + number, number, "case"), "prior")
    for match in pawned_by.get(lead.person_key, []):
        item = g.node(f"item:{match.item.item_id}", match.item.description, "item")
        g.edge(person, item, "pawned")
        g.edge(item, case, "stolen")


def case_graph(
    case_number: str, leads: Sequence[Lead], pawned_by: dict[str, list[ItemMatch]], top: int = 8
) -> list[dict[str, Any]]:
    g = Graph()
    case = g.node("case:" + case_number, case_number, "this-case")
    for lead in leads[:top]:
        _lead(g, case, lead, pawned_by)
    return g.elements()


def person_graph(
    person_key: str, name: str, records: Sequence[dict[str, Any]], bikes: Sequence[tuple[str, str]]
) -> list[dict[str, Any]]:
    """One resolved person: the phones, ID numbers and addresses of their records, the cases of
    their prior records, the items they pawned and the bikes their phones unlocked."""
    g = Graph()
    person = g.node(person_key, name or person_key, "person")
    for r in records:
        if r["phone"]:
            g.edge(person, g.node("phone:" + r["phone"], r["phone"], "phone"), r["source"])
        if r["id_number"]:
            g.edge(person, g.node("id:" + r["id_number"], r["id_number"], "id"), r["source"])
        if r["address"] and r["kind"] in ("rental", "hotel_stay"):
            g.edge(person, g.node("addr:" + r["address"], r["address"], "address"), r["kind"])
        case = r["detail"].get("case_number")
        if r["kind"] == "prior_record" and case:
            g.edge(person, g.node("case:" + case, case, "case"), r["detail"].get("mo", "prior"))
        if r["kind"] == "pawn" and r["detail"].get("description"):
            g.edge(person, g.node("pawn:" + r["key"], r["detail"]["description"], "item"), "pawned")
    for phone, bike in bikes:
        g.edge("phone:" + phone, g.node("bike:" + bike, bike, "bike"), "unlocked")
    return g.elements()
