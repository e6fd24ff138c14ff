"""Ring recovery, money tracing and ten-million-transfer throughput on the fraud generator.

    .venv/bin/python bench/rings.py [--persons 70000] [--rings 60]

Prints, side by side on the same graph: planted rings recovered (Jaccard >= 0.5) by plain Leiden
(modularity, whole graph, resolution 1 and 50) and by Precinct (degree caps, components, Leiden
(CPM) inside big components); the share of laundered money traced to the accounts that hold it and
the precision of flagged accounts; and the time and peak memory of `precinct link rings` plus
a trace end to end on the CSV file (a separate process)."""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import igraph as ig
import numpy as np

from precinct.demo.fraud import FraudData, FraudSpec, generate, write_links, write_transfers
from precinct.linkage.flow import TraceParams, trace_forward
from precinct.linkage.rings import RingParams, find_rings
from precinct.linkage.rings_graph import GraphCaps, Links, Transfers, build_graph, pair_counts


def indexed(d: FraudData) -> tuple[Transfers, Links, np.ndarray]:
    acc, inv = np.unique(np.concatenate([d.src, d.dst, d.link_account]), return_inverse=True)
    m = len(d.src)
    t = Transfers(inv[:m], inv[m : 2 * m], d.time, d.cents, d.reported, len(acc))
    _, values = np.unique(d.link_kind * 10**12 + d.link_value, return_inverse=True)
    return t, Links(inv[2 * m :], values), acc


def recovered(truth: list[set[int]], found: list[set[int]]) -> float:
    ok = 0
    for members in truth:
        best = max((len(members & f) / len(members | f) for f in found if members & f), default=0.0)
        ok += best >= 0.5
    return ok / len(truth)


def plain_leiden(t: Transfers, objective: str, resolution: float) -> list[set[int]]:
    a, b, counts = pair_counts(np.minimum(t.src, t.dst), np.maximum(t.src, t.dst), t.accounts)
    g = ig.Graph(n=t.accounts, edges=np.stack([a, b], axis=1), directed=False)
    parts = g.community_leiden(
        objective_function=objective, weights=counts.astype(float), resolution=resolution
    )
    return [set(p) for p in parts]


def end_to_end(folder: Path, victim: str) -> tuple[float, float]:
    code = (
        "import resource,subprocess,sys,time;t=time.time();"
        f"subprocess.run([sys.executable,'-m','precinct.cli','link','rings','--transfers','{folder}/T.csv',"
        f"'--links','{folder}/L.csv','--out','{folder}/rings.csv'],check=True,stdout=subprocess.DEVNULL);"
        f"subprocess.run([sys.executable,'-m','precinct.cli','link','trace','--transfers','{folder}/T.csv',"
        f"'--from','{victim}'],check=True,stdout=subprocess.DEVNULL);"
        "print(time.time()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    seconds, kib = out.stdout.split()
    return float(seconds), int(kib) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=70_000)
    parser.add_argument("--rings", type=int, default=60)
    args = parser.parse_args()
    start = time.perf_counter()
    d = generate(FraudSpec(seed=20241215, persons=args.persons, rings=args.rings))
    print(
        f"generated {len(d.src):,} transfers, {d.edges:,} distinct account pairs, "
        f"{len(d.rings)} rings in {time.perf_counter() - start:.1f} s"
    )
    t, links, acc = indexed(d)
    truth = [set(np.searchsorted(acc, r.accounts).tolist()) for r in d.rings]
    for objective, res in (("CPM", 1.0), ("modularity", 1.0), ("modularity", 50.0)):
        found = plain_leiden(t, objective, res)
        print(
            f"plain Leiden (whole graph, no caps) {objective} resolution {res:>4}: "
            f"rings recovered {recovered(truth, found):.0%}"
        )
    start = time.perf_counter()
    graph = build_graph(t, links, GraphCaps())
    rings = find_rings(t, graph, RingParams())
    print(
        f"Precinct (caps, components, Leiden CPM 0.2): rings recovered "
        f"{recovered(truth, [set(r.accounts) for r in rings]):.0%} "
        f"({len(rings)} rings reported, {time.perf_counter() - start:.1f} s in memory)"
    )
    roles = {int(np.searchsorted(acc, a)): r for a, r in d.role_of().items()}
    judged = [(roles[m.account], m.role) for r in rings for m in r.members if m.account in roles]
    right = sum(a == b for a, b in judged) / max(1, len(judged))
    core = sum(roles.get(r.core(1)[0].account) == "organiser" for r in rings) / max(1, len(rings))
    print(
        f"roles right for {right:.1%} of ring members; the top core member is an organiser "
        f"in {core:.0%} of rings"
    )
    trace = trace_forward(t, np.flatnonzero(t.reported), graph.hubs, TraceParams())
    held = {int(np.searchsorted(acc, a)): c for r in d.rings for a, c in r.holdings.items()}
    laundered = sum(r.laundered_cents for r in d.rings)
    traced = sum(min(trace.held.get(a, 0), c) for a, c in held.items())
    members = set().union(*truth)
    flagged = trace.flagged(TraceParams().min_cents)
    precision = sum(a in members for a in flagged) / max(1, len(flagged))
    print(
        f"money traced to its holders {traced / laundered:.1%} of {laundered / 100:,.2f} yuan; "
        f"flagged accounts {len(flagged)}, precision {precision:.1%}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_transfers(d, folder / "T.csv")
        write_links(d, folder / "L.csv")
        victim = str(d.reports[0].victim_account)
        seconds, gib = end_to_end(folder, victim)
    print(
        f"end to end on {len(d.src):,} transfers (CSV load, graph, rings, one trace): "
        f"{seconds:.1f} s, peak memory {gib:.2f} GB"
    )
    print(
        f"(bench process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GB)"
    )


if __name__ == "__main__":
    main()
