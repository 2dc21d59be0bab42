#!/usr/bin/env python3
"""Summarize vigil_bench_cpu's JSON output as Markdown tables.

    python3 bench/report.py RUN.json [RUN.json ...] [--target 0.95] [--max-runq-wait 0.02]
    python3 bench/report.py round*.json --merge-out merged.json   # one file of all rounds

For each scheme: the single-core library rate, vigil::verify_check's
single-core rate and the time ratio between them (the wrapper's cost), the
CpuVerifier all-core batch rate, the ideal (single-core library rate x the
verifier's threads) and the efficiency (batch / ideal); then the diagnostics
and the hashing rates.

Every run of a benchmark in the files is a sample (a file written with
--benchmark_report_aggregates_only contributes its median); each figure is the
median over the samples. Samples whose threads waited for a CPU held by another
process for more than --max-runq-wait of their time are dropped, unless all
are. Standard library only.
"""

import argparse
import json
import re
import statistics
import sys
from collections import defaultdict

# A run whose threads waited this long for a CPU ran on a busy machine.
CONTENDED = 0.02
SCHEMES = ["ecdsa", "ecdsa-lows", "ecdsa-bitcoin", "schnorr", "ed25519-strict"]
NUMERIC = ("items_per_second", "bytes_per_second", "real_time", "cpu_time",
           "cpu_busy", "runq_wait", "verify_threads", "hash_threads", "txs",
           # sig/<scheme>/paired*
           "library_1t", "verify_check_1t", "wrapper_ratio", "batch", "efficiency", "core_speed", "runq_wait_1t")
# Fields kept by --merge-out.
KEEP = ("name", "run_name", "run_type", "iterations", "time_unit", "error_occurred", "error_message") + NUMERIC


def read_samples(paths):
    """run_name -> list of sample entries, and the files' contexts."""
    samples, contexts = defaultdict(list), []
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        contexts.append(doc.get("context", {}))
        entries = doc.get("benchmarks", [])
        has_iterations = {e.get("run_name", e["name"]) for e in entries if e.get("run_type") != "aggregate"}
        for e in entries:
            name = e.get("run_name", e["name"])
            if e.get("error_occurred"):
                print(f"warning: {path}: {e['name']}: {e.get('error_message')}", file=sys.stderr)
                continue
            if e.get("run_type") == "aggregate":
                if e.get("aggregate_name") == "median" and name not in has_iterations:
                    samples[name].append(e)
            else:
                samples[name].append(e)
    return samples, contexts


def summarize(samples, max_wait):
    """run_name -> one entry of medians, with 'kept' and 'total' sample counts."""
    results = {}
    for name, entries in samples.items():
        kept = [e for e in entries if e.get("runq_wait", 0) <= max_wait] or entries
        merged = dict(kept[0])
        for key in NUMERIC:
            values = [e[key] for e in kept if key in e]
            if values:
                merged[key] = statistics.median(values)
        merged["kept"], merged["total"] = len(kept), len(entries)
        results[name] = merged
    return results


def compact(value):
    return float(f"{value:.6g}") if isinstance(value, float) else value


def merge_out(paths, out):
    samples, contexts = read_samples(paths)
    rounds = [d for c in contexts for d in (c.get("rounds") or [c.get("date")])]
    doc = {"context": dict(contexts[0], rounds=rounds), "benchmarks": []}
    for entries in samples.values():
        for e in entries:
            kept = {k: compact(e[k]) for k in KEEP if k in e}
            if kept.get("run_name") == kept.get("name"):
                del kept["run_name"]
            doc["benchmarks"].append(kept)
    with open(out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


def natural(name):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def strip(name):
    """The benchmark's name without Google Benchmark's /min_time:... and /real_time suffixes."""
    return re.sub(r"/(min_time:[^/]*|real_time)(?=/|$)", "", name)


def rate(results, name, key="items_per_second"):
    for full, entry in results.items():
        if strip(full) == name and key in entry:
            return entry[key], entry
    return None, None


def si(value, unit=""):
    if value is None:
        return "–"
    for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.2f} {prefix}{unit}"
    return f"{value:.1f} {unit}".rstrip()


def fmt_time(value, unit):
    ns = value * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}.get(unit, 1)
    for factor, name in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if ns >= factor:
            return f"{ns / factor:.3g} {name}"
    return f"{ns:.3g} ns"


def pct(value):
    return "–" if value is None else f"{100 * value:.1f}%"


def fmt_ratio(value):
    return "–" if value is None else f"{value:.3f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def samples_note(entry, max_wait=None):
    if not entry or "kept" not in entry:
        return "–"
    note = f"{entry['kept']}/{entry['total']}"
    if max_wait is not None and entry.get("runq_wait", 0) > max_wait:
        note += " (all contended)"
    return note


def scheme_table(results, target, preparsed, max_wait):
    suffix = "_preparsed" if preparsed else ""
    lines = [
        "| scheme | library, 1 core | verify_check, 1 core | wrapper time / library time "
        "| CpuVerifier batch, all cores | threads | ideal = library 1-core × threads | efficiency "
        "| library on all cores (reference) | batch / reference | batch cpu_busy | batch runq_wait "
        "| batch samples kept |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    misses, contended = [], []
    for s in SCHEMES:
        lib, _ = rate(results, f"sig/{s}/library{suffix}_1t")
        wrap, _ = rate(results, f"sig/{s}/verify_check{suffix}_1t")
        batch, entry = rate(results, f"sig/{s}/cpu_verifier_batch{suffix}")
        ref, _ = rate(results, f"sig/{s}/library_all_cores") if not preparsed else (None, None)
        entry = entry or {}
        threads = int(entry["verify_threads"]) if "verify_threads" in entry else None
        ideal = lib * threads if lib is not None and threads else None
        eff = ratio(batch, ideal)
        if eff is not None and eff < target:
            misses.append(s)
        if entry.get("runq_wait", 0) > max_wait:
            contended.append(s)
        mark = "" if eff is None else (" ✓" if eff >= target else " ✗")
        lines.append(
            f"| {s} | {si(lib)} | {si(wrap)} | {fmt_ratio(ratio(lib, wrap))} "
            f"| {si(batch)} | {threads or '–'} | {si(ideal)} | {pct(eff)}{mark} | {si(ref)} | {pct(ratio(batch, ref))} "
            f"| {pct(entry.get('cpu_busy'))} | {pct(entry.get('runq_wait'))} | {samples_note(entry, max_wait)} |"
        )
    return lines, misses, contended


def paired_table(results, target, max_wait):
    """The sig/<scheme>/paired{,_preparsed} benchmarks: every figure from one benchmark."""
    lines = [
        "| scheme | keys | library, 1 core | verify_check, 1 core | wrapper time / library time "
        "| CpuVerifier batch, all cores | threads | ideal = library 1-core × threads | efficiency "
        "| verifier idle | runq_wait | core speed | 1 − idle | samples kept |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    misses, own_misses = [], []
    for s in SCHEMES:
        for suffix, keys in (("", "encoded"), ("_preparsed", "pre-parsed")):
            _, e = rate(results, f"sig/{s}/paired{suffix}", key="efficiency")
            if not e:
                continue
            threads = int(e["verify_threads"])
            idle = 1 - e["cpu_busy"] - e["runq_wait"]
            if e["efficiency"] < target:
                misses.append(f"{s} ({keys})")
            if 1 - idle < target:
                own_misses.append(f"{s} ({keys})")
            mark = " ✓" if e["efficiency"] >= target else " ✗"
            lines.append(
                f"| {s} | {keys} | {si(e['library_1t'])} | {si(e['verify_check_1t'])} | {fmt_ratio(e['wrapper_ratio'])} "
                f"| {si(e['batch'])} | {threads} | {si(e['library_1t'] * threads)} | {pct(e['efficiency'])}{mark} "
                f"| {pct(idle)} | {pct(e['runq_wait'])} | {pct(e['core_speed'])} | {pct(1 - idle)} | {samples_note(e, max_wait)} |"
            )
    return (lines if len(lines) > 2 else []), misses, own_misses


def hash_table(results, max_wait):
    lines = ["| benchmark | time per iteration | rate | bytes/s | runq_wait | samples kept |",
             "|---|---:|---:|---:|---:|---:|"]
    groups = ["sha256/", "sha256_batch/", "sha256d_64", "merkle_root/serial/", "merkle_root/pool/", "block413567/"]

    def key(name):
        group = next((i for i, g in enumerate(groups) if name.startswith(g)), len(groups))
        sizes = [int(t) for t in re.findall(r"/(\d+)", name)]
        return (group, sizes if group == 0 else [], natural(name))

    for name in sorted(results, key=lambda n: key(strip(n))):
        entry = results[name]
        short = strip(name)
        if short.startswith(("sig/", "diag/")):
            continue
        items = entry.get("items_per_second")
        unit = "nodes/s" if short.startswith("sha256d_64") else "leaves/s" if short.startswith("merkle") \
            else "txs/s" if short.startswith("block") else "msgs/s"
        when = fmt_time(entry.get("real_time", 0), entry.get("time_unit", "ns"))
        lines.append(f"| {short} | {when} | {si(items, unit) if items else '–'} "
                     f"| {si(entry.get('bytes_per_second'), 'B/s')} | {pct(entry.get('runq_wait'))} "
                     f"| {samples_note(entry, max_wait)} |")
    return lines


def diag_table(results, max_wait):
    lines = ["| benchmark | time per iteration | items/s | threads | cpu_busy | runq_wait | idle = 1 − busy − wait "
             "| samples kept |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in sorted(results, key=lambda n: natural(strip(n))):
        entry = results[name]
        short = strip(name)
        if not short.startswith("diag/"):
            continue
        busy, wait = entry.get("cpu_busy"), entry.get("runq_wait")
        idle = None if busy is None or wait is None else 1 - busy - wait
        when = fmt_time(entry.get("real_time", 0), entry.get("time_unit", "ns"))
        lines.append(f"| {short} | {when} | {si(entry.get('items_per_second'))} | {int(entry.get('verify_threads', 0))} "
                     f"| {pct(busy)} | {pct(wait)} | {pct(idle)} | {samples_note(entry, max_wait)} |")
    return lines if len(lines) > 2 else []


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("json", nargs="+", help="vigil_bench_cpu --benchmark_out files (JSON)")
    ap.add_argument("--target", type=float, default=0.95, help="efficiency target (default 0.95)")
    ap.add_argument("--max-runq-wait", type=float, default=CONTENDED,
                    help=f"drop samples whose threads waited longer for a CPU (default {CONTENDED})")
    ap.add_argument("--merge-out", metavar="PATH", help="write all samples of the inputs to one compact JSON and exit")
    args = ap.parse_args()
    if args.merge_out:
        merge_out(args.json, args.merge_out)
        return
    samples, contexts = read_samples(args.json)
    context = contexts[0]
    results = summarize(samples, args.max_runq_wait)

    dates = sorted(c.get("date", "?") for c in contexts)
    dates = context.get("rounds", dates)
    when = dates[0] if len(dates) == 1 else f"{len(dates)} rounds, {dates[0]} to {dates[-1]}"
    print(f"Host: {context.get('host_name', '?')}, {context.get('num_cpus', '?')} CPUs at "
          f"{context.get('mhz_per_cpu', '?')} MHz; run {when}; "
          f"libsecp256k1 {context.get('libsecp256k1', '?')}, libsodium {context.get('libsodium', '?')}, "
          f"{context.get('openssl', '?')}.")
    print()
    paired, pmiss, pown = paired_table(results, args.target, args.max_runq_wait)
    if paired:
        print("### Signature verification, paired (single-core and all-core rates timed alternately)")
        print()
        print(f"Medians over the samples with runq_wait ≤ {pct(args.max_runq_wait)}; each sample times the library and "
              "verify_check check by check on one thread, then a 4096-check CpuVerifier batch, over and over. "
              "efficiency = batch / ideal = cpu_busy × core speed. verifier idle = 1 − cpu_busy − runq_wait: "
              "the time the verifier left its threads without work (its own loss). runq_wait: the threads waited "
              "for a CPU another process held; core speed: checks per busy core-second in the batch relative to "
              "the single-core rate (below 100%: the machine, e.g. a vCPU sharing a physical core). "
              "1 − idle: the efficiency with the machine's losses removed.")
        print()
        print("\n".join(paired))
        print()
        print(f"Efficiency ≥ {pct(args.target)}: " + ("met for every scheme." if not pmiss else "missed for " + ", ".join(pmiss) + ".")
              + f" 1 − idle ≥ {pct(args.target)}: " + ("met for every scheme." if not pown else "missed for " + ", ".join(pown) + "."))
        print()
    print("### Signature verification, separate benchmarks (keys parsed per check)")
    print()
    print(f"Rates in checks/s, medians over the samples with runq_wait ≤ {pct(args.max_runq_wait)}. Efficiency = batch / ideal; the project's target is "
          f"≥ {pct(args.target)}. cpu_busy / runq_wait: the fraction of threads × wall time the verifier's threads "
          "ran / waited for a CPU held by another process.")
    print()
    lines, misses, contended = scheme_table(results, args.target, False, args.max_runq_wait)
    print("\n".join(lines))
    print()
    print("### Signature verification with pre-parsed keys (ideal from the library's pre-parsed 1-core rate)")
    print()
    lines2, misses2, contended2 = scheme_table(results, args.target, True, args.max_runq_wait)
    print("\n".join(lines2))
    print()
    print(f"Efficiency target ≥ {pct(args.target)}: "
          + ("met for every scheme." if not misses else "missed for " + ", ".join(misses) + ".")
          + (" Pre-parsed: " + ("met for every scheme." if not misses2 else "missed for " + ", ".join(misses2) + ".")))
    if contended or contended2:
        print()
        print(f"Warning: runq_wait > {pct(args.max_runq_wait)} (another process held a CPU) in every sample of: "
              + ", ".join(contended + [c + " (pre-parsed)" for c in contended2])
              + ". Those efficiencies measure the machine's load, not the verifier.")
    print()
    diag = diag_table(results, args.max_runq_wait)
    if diag:
        print("### CpuVerifier / WorkerPool diagnostics (items: ecdsa checks; for round_trip, loops)")
        print()
        print("\n".join(diag))
        print()
    print("### Hashing")
    print()
    print("\n".join(hash_table(results, args.max_runq_wait)))


if __name__ == "__main__":
    main()
