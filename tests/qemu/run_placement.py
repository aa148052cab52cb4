#!/usr/bin/env python3
"""The placement scenario: the same tasks with the coherence engine and without it (DC-1).

Usage: run_placement.py --qemu QEMU --coherent IMAGE --static IMAGE [--witness-tool TOOL]
                        [--min-reduction PCT] [--quiet] [--timeout SECONDS] [-- EXTRA QEMU ARGS]

Boots the coherent image, then the static one (both: -cpu cortex-a72 -m 256M -smp 2 -icount shift=0, so that
a run's timing is the same every time), with their consoles on stdout unless --quiet. Each run must finish
every task with no error, verify its witness chain and return every frame, and both must carry the same
messages. In the coherent run every split and merge must be in the witness log twice: authorised by the
security gate (PartitionSplit at proof tier 2, PartitionMerge at tier 3) and carried out by librvmpart
(tier 2), and every authorisation not carried out must be one the totals count as refused or abandoned;
with --witness-tool, `TOOL verify` must accept the log. Ends with

    [RVM] placement: static_cross=<n> coherent_cross=<n> reduction=<pct>%

and exits 0 when everything held and the reduction is at least --min-reduction percent (default 20, the
spec's Appliance criterion), 1 otherwise (the reason goes to stderr), 2 on usage errors.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rvm_qemu_test import SUMMARY_RE, qemu_command, run_qemu  # noqa: E402

TOTALS_RE = re.compile(r"^\[RVM\] placement: tasks=(\d+) messages=(\d+) cross=(\d+) intra=(\d+) "
                       r"splits=(\d+) merges=(\d+) refused=(\d+) abandoned=(\d+) coherence=(on|off)")
FINISHED_RE = re.compile(r"^\[RVM\] task \d+ finished in partition \d+: sent=\d+ received=\d+ errors=(\d+)$")
RECORD_RE = re.compile(r"^\[RVM\] WL1 R ([0-9a-f]{64})")
ACTION_SPLIT = 0x05
ACTION_MERGE = 0x06


def structural_records(lines, action, tier):
    """Records of `action` at proof `tier` (a rejection has tier 0)."""
    n = 0
    for line in lines:
        m = RECORD_RE.match(line)
        if m and int(m.group(1)[32:34], 16) == action and int(m.group(1)[34:36], 16) == tier:
            n += 1
    return n


def judge(name, lines, rc):
    """The run's totals as a dict, or raises ValueError saying what went wrong."""
    if rc != 0:
        raise ValueError(f"{name}: QEMU exited with {rc}")
    totals = [TOTALS_RE.match(line) for line in lines]
    totals = [m for m in totals if m]
    if len(totals) != 1:
        raise ValueError(f"{name}: no placement totals line")
    t = totals[0]
    tasks = int(t.group(1))
    errors = [int(m.group(1)) for m in (FINISHED_RE.match(line) for line in lines) if m]
    if len(errors) != tasks or any(errors):
        raise ValueError(f"{name}: {len(errors)} of {tasks} tasks finished, errors {errors}")
    summary = [SUMMARY_RE.search(line) for line in lines]
    summary = [m for m in summary if m]
    if not summary or summary[-1].group(4) != "verified":
        raise ValueError(f"{name}: witness chain not verified")
    if not any(line.startswith("[RVM] memory: every frame returned") for line in lines):
        raise ValueError(f"{name}: frames leaked")
    return {"messages": int(t.group(2)), "cross": int(t.group(3)), "splits": int(t.group(5)),
            "merges": int(t.group(6)), "unfinished": int(t.group(7)) + int(t.group(8)), "coherence": t.group(9)}


def verify_log(tool, lines):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "console.log")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        res = subprocess.run([tool, "verify", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if res.returncode != 0:
        raise ValueError(f"coherent: {tool} verify exited with {res.returncode}")


def main(argv):
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    ap = argparse.ArgumentParser(description="RVM placement scenario, with and without the coherence engine")
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--coherent", required=True)
    ap.add_argument("--static", required=True)
    ap.add_argument("--witness-tool")
    ap.add_argument("--min-reduction", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    machine = ["-smp", "2", "-icount", "shift=0", *extra]
    runs = {}
    try:
        for name, image in (("coherent", args.coherent), ("static", args.static)):
            if not args.quiet:
                engine = "in the build" if name == "coherent" else "left out of the build (DC-1)"
                print(f"[RVM] placement: booting {os.path.basename(image)}, coherence engine {engine}", flush=True)
            lines, rc, err = run_qemu(qemu_command(args.qemu, image, "cortex-a72", "256M", machine), args.timeout,
                                      echo=not args.quiet)
            if rc is None:
                raise ValueError(f"{name}: timed out after {args.timeout:.0f} s {err.strip()}")
            runs[name] = (judge(name, lines, rc), lines)
        coherent, lines = runs["coherent"]
        static = runs["static"][0]
        if coherent["coherence"] != "on" or static["coherence"] != "off":
            raise ValueError("the coherent image must have the engine and the static one must not")
        if coherent["messages"] != static["messages"]:
            raise ValueError(f"the runs carried {coherent['messages']} and {static['messages']} messages")
        # A split's gate record and librvmpart's are both tier 2; a merge's gate record is tier 3 (P3), and
        # librvmpart's tier 2. An authorised operation may still be refused by librvmpart or time out.
        split2 = structural_records(lines, ACTION_SPLIT, 2)
        merge3 = structural_records(lines, ACTION_MERGE, 3)
        merge2 = structural_records(lines, ACTION_MERGE, 2)
        authorised = split2 - coherent["splits"] + merge3
        done = coherent["splits"] + coherent["merges"]
        if merge2 != coherent["merges"] or split2 < 2 * coherent["splits"] or \
                authorised != done + coherent["unfinished"]:
            raise ValueError(f"coherent: witness log and totals disagree (PartitionSplit tier 2: {split2}, "
                             f"PartitionMerge tier 3: {merge3}, tier 2: {merge2}; totals: {coherent})")
        if args.witness_tool:
            verify_log(args.witness_tool, lines)
    except ValueError as e:
        print(f"run_placement: {e}", file=sys.stderr)
        return 1
    reduction = (static["cross"] - coherent["cross"]) * 100 // static["cross"] if static["cross"] else 0
    print(f"[RVM] placement: static_cross={static['cross']} coherent_cross={coherent['cross']} "
          f"reduction={reduction}%", flush=True)
    if reduction < args.min_reduction:
        print(f"run_placement: reduction {reduction}% is below {args.min_reduction}%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
