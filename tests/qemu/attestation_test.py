#!/usr/bin/env python3
"""Checks that RVM's measured boot is deterministic under QEMU.

Boots IMAGE three times: twice with --mem and once with --other-mem. Each run
must exit 0 and print exactly one `[RVM] boot: attestation <64 hex>` line.
The two runs with the same configuration must attest to the same digest; the
run with other RAM (hence another device tree, which the boot measures) must
attest to a different one.

Usage: attestation_test.py [--qemu Q] [--cpu C] [--mem M] [--other-mem M2] [--timeout S] IMAGE
Exit status: 0 pass, 1 fail.
"""
import argparse
import os
import re
import sys

# Importing the sibling runner must not leave a __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rvm_qemu_test import qemu_command, run_qemu  # noqa: E402  (the path above makes it importable)

ATTESTATION_RE = re.compile(r"^\[RVM\] boot: attestation ([0-9a-f]{64})$")


def attest(args, mem):
    """Boots once; returns (digest or None, list of problems)."""
    cmd = qemu_command(args.qemu, args.image, args.cpu, mem)
    print("running:", " ".join(cmd), flush=True)
    lines, rc, err = run_qemu(cmd, args.timeout, echo=False)
    if err.strip():
        print("QEMU stderr:\n" + err.rstrip(), file=sys.stderr)
    problems = []
    if rc != 0:
        problems.append(f"-m {mem}: QEMU exit status {rc}, expected 0")
    digests = [m.group(1) for m in map(ATTESTATION_RE.match, lines) if m]
    if len(digests) != 1:
        problems.append(f"-m {mem}: {len(digests)} attestation lines, expected exactly 1")
        return None, problems
    print(f"-m {mem}: attestation {digests[0]}", flush=True)
    return digests[0], problems


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("image")
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--cpu", default="cortex-a72")
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--other-mem", default="1G")
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args(argv)
    if args.mem == args.other_mem:
        ap.error("--other-mem must differ from --mem")

    first, problems = attest(args, args.mem)
    second, more = attest(args, args.mem)
    problems += more
    other, more = attest(args, args.other_mem)
    problems += more
    if first and second and first != second:
        problems.append(f"two boots with -m {args.mem} attest differently: {first} then {second}")
    if first and other and first == other:
        problems.append(f"-m {args.mem} and -m {args.other_mem} attest alike ({first}): the device tree is not measured")
    for p in problems:
        print("FAIL:", p)
    print("FAIL" if problems else "PASS")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
