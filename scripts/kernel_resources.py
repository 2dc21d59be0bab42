#!/usr/bin/env python3
"""The GPU kernels' resource report, from a build without a GPU.

Reads what ptxas said of every kernel entry point of a CUDA build (the
<object>.ptxas.log files cmake/ptxas_log.sh keeps beside each object):
registers, stack frame, spill stores and loads, static shared memory; derives
how many warps an SM of the target holds at that register count; prints the
table, writes it to BUILD/kernel_resources.md and .json, and with --check
compares each kernel against its declared budget in kernels/resource_budgets.json.

  scripts/kernel_resources.py [--build DIR] [--budgets FILE] [--check]

Exit status: 0 when every kernel is within its budget (or without --check),
1 when one exceeds it or a budgeted kernel is missing from the build,
77 when the build has no CUDA kernels (no nvcc): the test that runs this is
then reported as skipped.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# sm_90 (H100/H200): per SM 65,536 32-bit registers and at most 64 resident
# warps; registers are allocated per warp in units of 256.
REGS_PER_SM = 65536
MAX_WARPS_PER_SM = 64
REG_ALLOC_UNIT = 256

ENTRY = re.compile(r"^ptxas info\s*: Compiling entry function '([^']+)' for '(sm_\d+a?)'")
PROPS = re.compile(r"^ptxas info\s*: Function properties for (\S+)")
FRAME = re.compile(r"^\s+(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
USED = re.compile(r"^ptxas info\s*: Used (\d+) registers(.*)")
SMEM = re.compile(r"(\d+) bytes smem")


def demangle(names):
    try:
        out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True, check=True).stdout
        return out.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return list(names)


def short_name(demangled):
    """vigil::gpu::(anonymous namespace)::verify_secp_kernel(...) -> verify_secp_kernel;
    a template's arguments are kept (hash_messages_kernel<true>)."""
    name = demangled
    depth = 0
    for i, ch in enumerate(name):  # cut the parameter list: the first '(' outside <>
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth == 0 and not name.startswith("(anonymous", i):
            name = name[:i]
            break
    # The last scope component, template arguments kept.
    depth = 0
    cut = 0
    for i, ch in enumerate(name):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == ":" and depth == 0:
            cut = i + 1
    name = name[cut:]
    name = re.sub(r"^void ", "", name)
    return name


def parse_log(path):
    """Every kernel entry of one ptxas log: mangled name, arch, registers, stack, spills, smem."""
    kernels = []
    current = None
    props_for = None
    frames = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = ENTRY.match(line)
            if m:
                current = {"mangled": m.group(1), "arch": m.group(2), "object": path[: -len(".ptxas.log")]}
                kernels.append(current)
                continue
            m = PROPS.match(line)
            if m:
                props_for = m.group(1)
                continue
            m = FRAME.match(line)
            if m and props_for:
                frames[props_for] = tuple(int(x) for x in m.groups())
                continue
            m = USED.match(line)
            if m and current is not None and "registers" not in current:
                current["registers"] = int(m.group(1))
                s = SMEM.search(m.group(2))
                current["smem"] = int(s.group(1)) if s else 0
    for k in kernels:
        stack, spill_st, spill_ld = frames.get(k["mangled"], (0, 0, 0))
        k.update(stack=stack, spill_stores=spill_st, spill_loads=spill_ld)
        k.setdefault("registers", 0)
        k.setdefault("smem", 0)
    return kernels


def warps_per_sm(registers):
    if registers <= 0:
        return MAX_WARPS_PER_SM
    per_warp = -(-registers * 32 // REG_ALLOC_UNIT) * REG_ALLOC_UNIT
    return min(MAX_WARPS_PER_SM, REGS_PER_SM // per_warp)


def collect(build):
    logs = []
    for root, _dirs, files in os.walk(build):
        for f in files:
            if f.endswith(".ptxas.log") and os.path.exists(os.path.join(root, f[: -len(".ptxas.log")])):
                logs.append(os.path.join(root, f))
    kernels = []
    for log in sorted(logs):
        kernels.extend(parse_log(log))
    names = demangle([k["mangled"] for k in kernels])
    for k, d in zip(kernels, names):
        k["name"] = short_name(d)
        k["warps_per_sm"] = warps_per_sm(k["registers"])
        k["occupancy"] = k["warps_per_sm"] / MAX_WARPS_PER_SM
    # One row per kernel and architecture (a header-defined kernel compiled into two objects is one).
    unique = {}
    for k in kernels:
        if k["name"] in PROBES:  # the model's probes: counted, never launched, no budget
            continue
        unique.setdefault((k["name"], k["arch"]), k)
    return sorted(unique.values(), key=lambda k: (k["name"], k["arch"]))


PROBES = {"probe_secp_fe_mul": ("kSecpField", "mul"), "probe_secp_fe_sqr": ("kSecpField", "sqr"),
          "probe_ed25519_fe_mul": ("kEd25519Field", "mul"), "probe_ed25519_fe_sqr": ("kEd25519Field", "sqr")}


def probe_ptx_counts(root):
    """Per probe kernel (kernels/probe/field_probes.cu): [multiplies, instructions] of nvcc's PTX for
    sm_90, loads, stores and the return not counted; None without nvcc."""
    nvcc = shutil.which("nvcc") or ("/usr/local/cuda/bin/nvcc" if os.path.exists("/usr/local/cuda/bin/nvcc") else None)
    if not nvcc:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        ptx_path = os.path.join(tmp, "probes.ptx")
        subprocess.run([nvcc, "-std=c++20", "-arch=sm_90", "-O3", "-I", os.path.join(root, "kernels"), "-ptx",
                        os.path.join(root, "kernels", "probe", "field_probes.cu"), "-o", ptx_path], check=True)
        ptx = open(ptx_path).read()
    counts = {}
    current = None
    for line in ptx.splitlines():
        m = re.match(r"^\.visible \.entry (\S+)\(", line)
        if m:  # the probe's name inside the mangled one, as for SASS below
            current = next((p for p in PROBES if p in m.group(1)), None)
            if current:
                counts[current] = [0, 0]
            continue
        m = re.match(r"^\t([a-z][\w.]*)", line)
        if m and current:
            op = m.group(1).split(".")[0]
            if op in ("ld", "st", "ret", "cvta"):
                continue
            counts[current][1] += 1
            if op in ("mul", "mad", "madc"):
                counts[current][0] += 1
    return counts


def sass_probe_counts(binary):
    """Per probe kernel: [IMAD-family, instructions] of its SASS in `binary` (cuobjdump, where the
    machine has it), loads, stores, constant loads, EXIT, BRA and NOP not counted; None without it."""
    cuobjdump = shutil.which("cuobjdump") or ("/usr/local/cuda/bin/cuobjdump" if os.path.exists("/usr/local/cuda/bin/cuobjdump") else None)
    if not cuobjdump:
        return None
    sass = subprocess.run([cuobjdump, "-sass", binary], capture_output=True, text=True).stdout
    counts = {}
    current = None
    for line in sass.splitlines():
        m = re.match(r"^\s+Function : (\S+)", line)
        if m:  # matched in the mangled name: the GPU machine may have no c++filt
            current = next((p for p in PROBES if p in m.group(1)), None)
            if current:
                counts[current] = [0, 0]
            continue
        m = re.match(r"^\s+/\*[0-9a-f]{4}\*/\s+(?:@!?U?P\w+\s+)?([A-Z][\w.]*)", line)
        if m and current:
            op = m.group(1)
            base = op.split(".")[0]
            if base in ("EXIT", "BRA", "NOP") or base.startswith(("LD", "ST", "ULDC")):
                continue
            counts[current][1] += 1
            if base == "IMAD":
                counts[current][0] += 1
    return counts


def op_model_constants(path):
    """kernels/op_model.hpp's {name: ((mul_multiplies, mul_instructions), (sqr_multiplies, sqr_instructions))}."""
    text = open(path).read()
    out = {}
    for m in re.finditer(r"FieldCosts (\w+)\{\{(\d+), (\d+)\}, \{(\d+), (\d+)\}\}", text):
        out[m.group(1)] = {"mul": [int(m.group(2)), int(m.group(3))], "sqr": [int(m.group(4)), int(m.group(5))]}
    return out


def check_op_model(counts, constants):
    problems = []
    for probe, (name, op) in PROBES.items():
        got = counts.get(probe)
        want = constants.get(name, {}).get(op)
        if got is None:
            problems.append(f"{probe}: not found in nvcc's PTX")
        elif want != got:
            problems.append(f"kernels/op_model.hpp {name}.{op} is {want} (multiplies, instructions); "
                            f"nvcc's PTX now gives {got}: update it")
    return problems


def check(kernels, budgets):
    """The budget violations, one line each."""
    problems = []
    by_name = {}
    for k in kernels:
        by_name.setdefault(k["name"], []).append(k)
    for name, b in budgets.get("kernels", {}).items():
        found = by_name.get(name)
        if not found:
            problems.append(f"{name}: budgeted but not in this build")
            continue
        for k in found:
            if k["registers"] > b["registers"]:
                problems.append(f"{name} ({k['arch']}): {k['registers']} registers > budget {b['registers']}")
            if k["stack"] > b["stack"]:
                problems.append(f"{name} ({k['arch']}): {k['stack']} bytes stack > budget {b['stack']}")
            spills = k["spill_stores"] + k["spill_loads"]
            if spills > b.get("spill_bytes", 0):
                problems.append(f"{name} ({k['arch']}): {k['spill_stores']} bytes spill stores and "
                                f"{k['spill_loads']} bytes spill loads > budget {b.get('spill_bytes', 0)}")
    for name in by_name:
        if name not in budgets.get("kernels", {}):
            problems.append(f"{name}: in the build but without a budget in the budgets file")
    return problems


def table(kernels, budgets):
    rows = ["| kernel | arch | registers | stack (B) | spill st/ld (B) | smem (B) | warps/SM (regs) | occupancy | budget regs/stack | goal regs/stack |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for k in kernels:
        b = budgets.get("kernels", {}).get(k["name"], {})
        goal = b.get("goal", {})
        rows.append(f"| {k['name']} | {k['arch']} | {k['registers']} | {k['stack']} | {k['spill_stores']}/{k['spill_loads']} | "
                    f"{k['smem']} | {k['warps_per_sm']} | {100 * k['occupancy']:.0f}% | "
                    f"{b.get('registers', '-')}/{b.get('stack', '-')} | {goal.get('registers', '-')}/{goal.get('stack', '-')} |")
    return "\n".join(rows)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(here, "..", "build"))
    ap.add_argument("--budgets", default=os.path.join(here, "..", "kernels", "resource_budgets.json"))
    ap.add_argument("--check", action="store_true", help="exit 1 when a kernel exceeds its budget")
    ap.add_argument("--sass", metavar="BINARY", help="also count the probes' SASS in BINARY (needs cuobjdump)")
    ap.add_argument("--sass-probes", metavar="BINARY",
                    help="only print the probes' SASS counts in BINARY beside kernels/op_model.hpp's (no build tree needed)")
    args = ap.parse_args()
    root = os.path.join(here, "..")
    if args.sass_probes:
        sass = sass_probe_counts(args.sass_probes)
        if not sass:
            print("field operations in SASS: no cuobjdump here, or no probe kernels in " + args.sass_probes)
            return 0
        constants = op_model_constants(os.path.join(root, "kernels", "op_model.hpp"))
        for probe, (name, op) in sorted(PROBES.items()):
            c = sass.get(probe, [0, 0])
            print(f"{probe}: SASS {c[0]} IMAD / {c[1]} instructions; op_model.hpp (PTX) {constants.get(name, {}).get(op)}")
        return 0

    kernels = collect(args.build)
    if not kernels:
        print(f"kernel_resources: no ptxas logs under {args.build} (a build without nvcc, or made before "
              f"cmake/ptxas_log.sh): no kernel resources to report; skipped")
        return 77
    with open(args.budgets) as f:
        budgets = json.load(f)
    text = table(kernels, budgets)
    ptx = probe_ptx_counts(root)
    if ptx:
        text += "\n\nField operations for the model (kernels/op_model.hpp), nvcc's PTX for sm_90: " + \
            "; ".join(f"{p} {c[0]} multiplies / {c[1]} instructions" for p, c in sorted(ptx.items()))
    if args.sass:
        sass = sass_probe_counts(args.sass)
        text += "\n\nThe same in SASS (" + args.sass + "): " + ("; ".join(
            f"{p} {c[0]} IMAD / {c[1]} instructions" for p, c in sorted(sass.items())) if sass else "no cuobjdump here")
    print(text)
    with open(os.path.join(args.build, "kernel_resources.md"), "w") as f:
        f.write("# GPU kernel resources (ptxas, this build)\n\n" + text + "\n")
    with open(os.path.join(args.build, "kernel_resources.json"), "w") as f:
        json.dump([{k: v for k, v in kern.items() if k != "mangled"} for kern in kernels], f, indent=1)
    missed_goals = [k["name"] for k in kernels
                    if "goal" in budgets.get("kernels", {}).get(k["name"], {})
                    and (k["registers"] > budgets["kernels"][k["name"]]["goal"]["registers"]
                         or k["stack"] > budgets["kernels"][k["name"]]["goal"]["stack"])]
    if missed_goals:
        print(f"not yet at their goal budgets: {', '.join(sorted(set(missed_goals)))}")
    if not args.check:
        return 0
    problems = check(kernels, budgets)
    if ptx is not None:
        problems += check_op_model(ptx, op_model_constants(os.path.join(root, "kernels", "op_model.hpp")))
    for p in problems:
        print("OVER BUDGET: " + p)
    print(f"{len(kernels)} kernels, {len(problems)} over budget")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
