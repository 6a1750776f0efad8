#!/usr/bin/env python3
"""Prints Warmpool's ratios to its peers from JMH JSON results, per fork and thread count.

Usage: python3 benchmarks/ratios.py RESULT.json [RESULT.json ...]

For the lease hot path (LeaseReleaseBenchmark, throughput) it prints, per thread count, each fork's score and the
per-fork ratios ours/Stormpot, ours/commons-pool2 and ours/HikariCP-ConcurrentBag (fork i of ours over fork i of the
peer), their median, and ours at 8 threads over ours at 2 threads. For sample mode it prints p50/p99/p99.9 per fork
from the histograms. It also summarises ScaleLeaseBenchmark (10,000 over 64 workers), ControlPassBenchmark (per
managed worker), DayRunBenchmark (wall time), StoreGrantBenchmark (grants per second per store, with ratios to the in-memory
pool) and EngineFootprint's JSON. Each target of issue 10 is marked met or
MISSED. Standard library only.
"""
import json
import statistics
import sys

OURS = "warmpool"
PEERS = [("stormpot", "Stormpot"), ("commonsPool2", "commons-pool2"), ("hikariConcurrentBag", "HikariCP bag")]


def mark(ok):
    return "met" if ok else "MISSED"


def fork_means(entry):
    return [statistics.fmean(f) for f in entry["primaryMetric"]["rawData"]]


def fork_percentile(hist_fork, q):
    """Percentile q (0..1) of one fork's sample histogram (a list of iterations of [value, count] pairs)."""
    pairs = sorted((v, c) for it in hist_fork for v, c in it)
    total = sum(c for _, c in pairs)
    seen = 0
    for v, c in pairs:
        seen += c
        if seen >= q * total:
            return v
    return pairs[-1][0] if pairs else float("nan")


def fmt(values, spec="{:.3f}"):
    return "[" + ", ".join(spec.format(v) for v in values) + "]"


def load(paths):
    entries, footprints = [], []
    for p in paths:
        with open(p) as f:
            data = json.load(f)
        if isinstance(data, dict):
            footprints.append(data)
        else:
            entries.extend(data)
    return entries, footprints


def split(entry):
    cls, method = entry["benchmark"].rsplit(".", 1)
    return cls.rsplit(".", 1)[-1], method


def hot_path(entries):
    thrpt = {}
    for e in entries:
        cls, method = split(e)
        if cls == "LeaseReleaseBenchmark" and e["mode"] == "thrpt":
            thrpt[(e["threads"], method)] = e
    if not thrpt:
        return
    unit = next(iter(thrpt.values()))["primaryMetric"]["scoreUnit"]
    print(f"== Lease + release throughput ({unit}); per-fork means, per-fork ratios, median of ratios")
    own = {}
    for threads in sorted({t for t, _ in thrpt}):
        ours = thrpt.get((threads, OURS))
        if ours is None:
            continue
        o = fork_means(ours)
        own[threads] = o
        print(f"-- {threads} thread(s): warmpool {fmt(o)} (median {statistics.median(o):.3f})")
        for method, label in PEERS:
            peer = thrpt.get((threads, method))
            if peer is None:
                continue
            p = fork_means(peer)
            ratios = [a / b for a, b in zip(o, p)]
            med = statistics.median(ratios)
            target = ""
            if threads in (1, 2) and method == "stormpot":
                target = f"  target >= 0.25: {mark(med >= 0.25)}"
            if threads in (1, 2) and method == "commonsPool2":
                target = f"  target >= 10: {mark(med >= 10)}"
            print(f"   {label:14s} {fmt(p)} (median {statistics.median(p):.3f});"
                  f" ours/{label} per fork {fmt(ratios)} median {med:.3f}{target}")
    if 8 in own and 2 in own:
        ratios = [a / b for a, b in zip(own[8], own[2])]
        med = statistics.median(ratios)
        print(f"-- warmpool 8 threads / 2 threads per fork {fmt(ratios)} median {med:.3f}"
              f"  target >= 0.8: {mark(med >= 0.8)}")


def latency(entries):
    for e in entries:
        cls, method = split(e)
        if cls != "LeaseReleaseBenchmark" or e["mode"] != "sample":
            continue
        pm = e["primaryMetric"]
        unit = pm["scoreUnit"]
        per_fork = [(fork_percentile(h, 0.5), fork_percentile(h, 0.99), fork_percentile(h, 0.999))
                    for h in pm.get("rawDataHistogram", [])]
        p99 = [f[1] for f in per_fork]
        line = (f"== Latency {method} at {e['threads']} threads ({unit}): all forks p50 "
                f"{pm['scorePercentiles']['50.0']:.4f} p99 {pm['scorePercentiles']['99.0']:.4f} p99.9 "
                f"{pm['scorePercentiles']['99.9']:.4f}; per-fork p99 {fmt(p99, '{:.4f}')}")
        if method == OURS and unit == "us/op" and p99:
            med = statistics.median(p99)
            line += (f"  target p99 < 1 us: median of per-fork p99 {med:.4f} {mark(med < 1.0)};"
                     f" pooled p99 {mark(pm['scorePercentiles']['99.0'] < 1.0)}")
        print(line)


def scale(entries):
    by_workers = {}
    for e in entries:
        cls, _ = split(e)
        if cls == "ScaleLeaseBenchmark":
            by_workers[int(e["params"]["workers"])] = e
    if 64 in by_workers and 10000 in by_workers:
        small, large = fork_means(by_workers[64]), fork_means(by_workers[10000])
        ratios = [b / a for a, b in zip(small, large)]
        med = statistics.median(ratios)
        unit = by_workers[64]["primaryMetric"]["scoreUnit"]
        print(f"== Lease cost ({unit}): 64 workers {fmt(small, '{:.1f}')}, 10,000 workers {fmt(large, '{:.1f}')};"
              f" 10,000/64 per fork {fmt(ratios)} median {med:.3f}  target <= 1.2: {mark(med <= 1.2)}")


def control(entries):
    for e in entries:
        cls, _ = split(e)
        if cls != "ControlPassBenchmark":
            continue
        workers = int(e["params"]["workers"])
        f = fork_means(e)
        unit = e["primaryMetric"]["scoreUnit"]
        line = f"== Control pass with {workers} idle workers ({unit}, wall time): {fmt(f, '{:.1f}')}"
        if workers and unit == "us/op":
            per = [v * 1000 / workers for v in f]
            line += (f"; per worker (ns) {fmt(per, '{:.1f}')} median {statistics.median(per):.1f}"
                     f"  target <= 2000 ns: {mark(statistics.median(per) <= 2000)}")
        print(line)


def day(entries):
    for e in entries:
        cls, _ = split(e)
        if cls != "DayRunBenchmark":
            continue
        f = [v for fork in e["primaryMetric"]["rawData"] for v in fork]
        unit = e["primaryMetric"]["scoreUnit"]
        med = statistics.median(f)
        ok = med < 10_000 if unit == "ms/op" else med < 10
        print(f"== {e['params'].get('hours')} virtual hours, {e['params'].get('tenants')} tenants ({unit}, wall):"
              f" every shot {fmt(f, '{:.0f}')} median {med:.0f}  target < 10 s: {mark(ok)}")


def replay(entries):
    """IncidentReplayBenchmark: wall time of one five-hour incident replay per pool."""
    for e in entries:
        cls, _ = split(e)
        if cls == "IncidentReplayBenchmark":
            f = fork_means(e)
            med = statistics.median(f)
            unit = e["primaryMetric"]["scoreUnit"]
            print(f"== Incident replay, {e['params'].get('pool')} pool ({unit}, wall): per-fork means {fmt(f, '{:.0f}')}"
                  f" median {med:.0f}  target < 1000 ms: {mark(med < 1000)}")


def store(entries):
    """StoreGrantBenchmark: grants per second per store and thread count, and per-fork ratios to the in-memory pool."""
    runs = {}
    for e in entries:
        cls, _ = split(e)
        if cls == "StoreGrantBenchmark" and e["mode"] == "thrpt":
            runs[(e["threads"], e["params"]["store"])] = fork_means(e)
    if not runs:
        return
    print("== Grants per second (grant + release per op) by store; per-fork means, median, per-fork ratio to memory")
    for threads in sorted({t for t, _ in runs}):
        base = runs.get((threads, "memory"))
        for name in ("memory", "memory-store", "jdbc"):
            f = runs.get((threads, name))
            if f is None:
                continue
            line = f"-- {threads:>2} thread(s) {name:<12} {fmt(f, '{:.0f}')} median {statistics.median(f):.0f}"
            if base is not None and name != "memory":
                ratios = [a / b for a, b in zip(f, base)]
                line += f"  vs memory {fmt(ratios, '{:.5f}')} median {statistics.median(ratios):.5f}"
            print(line)


def footprint(items):
    for d in items:
        b = d["heapBytesPerWorkerMedian"]
        c = d["controlPassCpuNanosPerWorkerMedian"]
        print(f"== Heap per managed worker (bytes, {d['workers']} vs 0 workers): rounds "
              f"{fmt(d['heapBytesPerWorker'], '{:.0f}')} median {b:.0f}  target <= 1024: {mark(b <= 1024)}")
        print(f"== Control pass CPU per managed worker (ns, thread CPU time): rounds "
              f"{fmt(d['controlPassCpuNanosPerWorker'], '{:.1f}')} median {c:.1f}  target <= 2000: {mark(c <= 2000)}")


def main(paths):
    if not paths:
        print(__doc__)
        return 2
    entries, footprints = load(paths)
    hot_path(entries)
    latency(entries)
    scale(entries)
    control(entries)
    day(entries)
    replay(entries)
    store(entries)
    footprint(footprints)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
