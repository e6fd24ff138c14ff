"""Ring recovery, money tracing and ten-million-transfer throughput on the fraud generator, all
through the FILES a bureau receives, read through the source mappings.

    .venv/bin/python bench/rings.py [--persons 70000] [--rings 60]

The generator writes bank transfers (Parquet), fraud reports, call records, logins,
registrations and solved cases in the mapped formats; they are read back exactly as
`precinct link rings-load` reads them (DuckDB). Then, side by side on that same graph: planted
rings recovered (Jaccard >= 0.5 with the true member set) by plain Leiden (modularity, whole
transfer graph, default resolution and resolution 50) and by Precinct (trace of the victims'
money, degree caps, shared identifiers, Leiden CPM); the share of laundered money traced to
where it is (the accounts holding it, the money services it was cashed out at) and the
precision of the flagged accounts; and the time and peak memory of `precinct link rings-load`
end to end (load the files, graph, rings, tracing, storing) in a separate process."""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import igraph as ig
import numpy as np

from precinct.demo.fraud import FraudData, FraudSpec, generate
from precinct.demo.fraud_files import write_sources
from precinct.linkage.flow import TraceParams
from precinct.linkage.mapping import load_mapping
from precinct.linkage.rings import RingParams, discover
from precinct.linkage.rings_graph import GraphCaps, Transfers, pair_counts
from precinct.linkage.rings_service import RingInputs
from precinct.linkage.rings_sources import read_ring_sources, ring_inputs_from


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def recovered(truth: list[set[int]], found: list[set[int]]) -> float:
    ok = 0
    for members in truth:
        best = max((len(members & f) / len(members | f) for f in found if members & f), default=0.0)
        ok += best >= 0.5
    return ok / len(truth)


def plain_leiden(t: Transfers, resolution: float) -> list[set[int]]:
    """Leiden (modularity) on the whole transfer graph, weighted by transfers per pair."""
    a, b, counts = pair_counts(np.minimum(t.src, t.dst), np.maximum(t.src, t.dst), t.accounts)
    g = ig.Graph(n=t.accounts, edges=np.stack([a, b], axis=1), directed=False)
    parts = g.community_leiden(
        objective_function="modularity", weights=counts.astype(float), resolution=resolution
    )
    return [set(p) for p in parts]


def end_to_end(pairs: list[tuple[Path, Path]], data_dir: Path) -> tuple[float, float]:
    env = {**os.environ, "PRECINCT_DATA_DIR": str(data_dir)}
    env.pop("PRECINCT_DATABASE_URL", None)
    cli = [sys.executable, "-m", "precinct.cli"]
    subprocess.run([*cli, "db", "upgrade"], check=True, env=env, capture_output=True)
    args = [f"{f}={m}" for f, m in pairs]
    code = (
        "import resource,subprocess,sys,time;t=time.time();"
        f"subprocess.run({[*cli, 'link', 'rings-load', *args]!r},check=True,"
        "stdout=subprocess.DEVNULL);"
        "print(time.time()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    )
    seconds, kib = out.stdout.split()
    return float(seconds), int(kib) / 1024 / 1024


def evaluate(d: FraudData, data: RingInputs) -> None:
    t = data.transfers
    index = {str(name): i for i, name in enumerate(data.names)}
    truth = [{index[str(a)] for a in r.accounts} for r in d.rings]
    for resolution in (1.0, 50.0):
        started = time.perf_counter()
        found = plain_leiden(t, resolution)
        print(
            f"plain Leiden (modularity, whole graph) resolution {resolution:>4}: rings recovered "
            f"{recovered(truth, found):.0%} ({time.perf_counter() - started:.1f} s; {load()})"
        )
    started = time.perf_counter()
    rings, _, trace = discover(t, data.links, GraphCaps(), RingParams(), TraceParams())
    print(
        f"Precinct (money trace, caps, identifiers, Leiden CPM): rings recovered "
        f"{recovered(truth, [set(r.accounts) for r in rings]):.0%} ({len(rings)} rings reported, "
        f"{time.perf_counter() - started:.1f} s in memory; {load()})"
    )
    roles = {index[str(a)]: r for a, r in d.role_of().items()}
    judged = [(roles[m.account], m.role) for r in rings for m in r.members if m.account in roles]
    right = sum(a == b for a, b in judged) / max(1, len(judged))
    core = sum(roles.get(r.core(1)[0].account) == "organiser" for r in rings) / max(1, len(rings))
    print(
        f"roles right for {right:.1%} of members; the top core member is an organiser in {core:.0%}"
    )
    held = {index[str(a)]: c for a, c in d.holdings().items()}
    laundered = sum(r.laundered_cents for r in d.rings)
    where = {**trace.held, **trace.exits}
    traced = sum(min(where.get(a, 0), c) for a, c in held.items())
    members = set().union(*truth)
    flagged = trace.flagged(TraceParams().min_cents)
    precision = sum(a in members for a in flagged) / max(1, len(flagged))
    print(
        f"money traced to where it is {traced / laundered:.1%} of {laundered / 100:,.2f} yuan; "
        f"flagged accounts {len(flagged)}, precision {precision:.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=70_000)
    parser.add_argument("--rings", type=int, default=60)
    args = parser.parse_args()
    print(f"start: {load()}")
    started = time.perf_counter()
    d = generate(FraudSpec(seed=20241215, persons=args.persons, rings=args.rings))
    sizes = sorted(len(r.accounts) for r in d.rings)
    print(
        f"generated {len(d.src):,} transfers, {d.edges:,} distinct account pairs, "
        f"{len(d.rings)} rings of {sizes[0]}..{sizes[-1]} accounts, {len(d.reports):,} reports "
        f"in {time.perf_counter() - started:.1f} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pairs = write_sources(d, folder / "files")
        started = time.perf_counter()
        data = ring_inputs_from(read_ring_sources([(f, load_mapping(m)) for f, m in pairs]))
        print(
            f"read {len(data.transfers):,} transfers and 5 other sources through their mappings "
            f"in {time.perf_counter() - started:.1f} s; {int(data.transfers.reported.sum()):,} "
            f"reports matched ({len(data.unmatched)} unmatched, {len(data.ambiguous)} ambiguous)"
        )
        evaluate(d, data)
        del data
        seconds, gib = end_to_end(pairs, folder / "data")
    print(
        f"end to end `precinct link rings-load` on {len(d.src):,} transfers (read the files, "
        f"graph, rings, tracing, storing): {seconds:.1f} s, peak memory {gib:.2f} GB ({load()})"
    )
    print(
        f"(bench process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GB)"
    )


if __name__ == "__main__":
    main()
