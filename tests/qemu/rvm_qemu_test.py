#!/usr/bin/env python3
"""Boots an RVM kernel image under QEMU virt and judges the run.

The run passes when all of these hold:
  * QEMU exits by itself within --timeout with status --rc;
  * every --expect TEXT appears in some console line, and every --expect-re
    REGEX matches some line; no line matches a --forbid-re REGEX;
  * each --count REGEX N matches exactly N lines;
  * for each --interleaved A B, the lines matching A and the lines matching B
    both exist and interleave (neither group all comes before the other);
  * for each --before A B, the first line matching A comes before the last
    line matching B;
  * with --require-prefix, every non-empty line starts with "[RVM] ";
  * with --witness-tool TOOL, `TOOL verify LOG` exits 0 on the captured console.
Regexes use Python syntax and search anywhere in a line. --capture NAME REGEX
takes group 1 of the first line REGEX matches; later regexes may then say
{NAME} for that text (escaped), e.g. the partition id a guest printed.

Usage:
  rvm_qemu_test.py [options] IMAGE [-- EXTRA QEMU ARGS...]
  rvm_qemu_test.py --self-test      (checks this runner with a fake QEMU)
Exit status: 0 pass, 1 fail, 2 usage error.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading

PREFIX = "[RVM] "
SUMMARY_RE = re.compile(
    r"\[RVM\] summary: partitions=(\d+) faults_contained=(\d+) witnesses=(\d+) chain=(verified|BROKEN)\b")
# The summary of a good run, for --expect-re.
SUMMARY_OK = r"\[RVM\] summary: partitions=\d+ faults_contained=\d+ witnesses=\d+ chain=verified\b"


def qemu_command(qemu, image, cpu, mem, extra=()):
    """The QEMU virt command line every RVM run uses: EL2 entry, GICv2, console on stdout, semihosting exit."""
    return [qemu, "-machine", "virt,virtualization=on,gic-version=2", "-cpu", cpu, "-m", mem,
            "-nographic", "-nic", "none", "-monitor", "none",
            "-semihosting-config", "enable=on,target=native", "-kernel", image, *extra]


def run_qemu(cmd, timeout, echo=True):
    """Runs QEMU; returns (console lines, exit status or None on timeout, stderr text)."""
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        return [], None, f"cannot start {cmd[0]}: {e}"
    lines = []
    err_chunks = []

    def read_console():
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            lines.append(line)
            if echo:
                print(line, flush=True)

    def read_stderr():
        err_chunks.append(proc.stderr.read().decode(errors="replace"))

    readers = [threading.Thread(target=read_console, daemon=True), threading.Thread(target=read_stderr, daemon=True)]
    for t in readers:
        t.start()
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        rc = None
    for t in readers:
        t.join(timeout=5)
    return lines, rc, "".join(err_chunks)


class Spec:
    """What a run must show; built from the command line or directly by the self-test."""

    def __init__(self, rc=0, expect=(), expect_re=(), forbid_re=(), count=(), interleaved=(), before=(),
                 capture=(), require_prefix=False):
        self.rc = rc
        self.expect = list(expect)
        self.expect_re = list(expect_re)
        self.forbid_re = list(forbid_re)
        self.count = [(r, int(n)) for r, n in count]
        self.interleaved = [tuple(p) for p in interleaved]
        self.before = [tuple(p) for p in before]
        self.capture = [tuple(p) for p in capture]
        self.require_prefix = require_prefix


def _matching(lines, rx):
    return [i for i, ln in enumerate(lines) if rx.search(ln)]


def judge(lines, rc, timeout, spec):
    """Returns the list of problems with a run (empty when it passed)."""
    problems = []
    if rc is None:
        problems.append(f"QEMU did not exit within {timeout} s (killed)")
    elif rc != spec.rc:
        problems.append(f"QEMU exit status {rc}, expected {spec.rc}")

    values = {}
    for name, pattern in spec.capture:
        rx = re.compile(pattern)
        hit = next((m for m in map(rx.search, lines) if m), None)
        if hit is None or rx.groups < 1:
            problems.append(f"--capture {name}: no line matches {pattern!r} (with a group)")
        else:
            values[name] = re.escape(hit.group(1))

    def compile_with_values(pattern):
        for name, value in values.items():
            pattern = pattern.replace("{" + name + "}", value)
        return re.compile(pattern)

    if spec.require_prefix:
        problems += [f"line without the {PREFIX!r} prefix: {ln!r}" for ln in lines if ln and not ln.startswith(PREFIX)]
    problems += [f"missing output: {t!r}" for t in spec.expect if not any(t in ln for ln in lines)]
    for pattern in spec.expect_re:
        if not _matching(lines, compile_with_values(pattern)):
            problems.append(f"no line matches {pattern!r}")
    for pattern in spec.forbid_re:
        for i in _matching(lines, compile_with_values(pattern)):
            problems.append(f"forbidden output on line {i + 1} (matches {pattern!r}): {lines[i]!r}")
    for pattern, want in spec.count:
        got = len(_matching(lines, compile_with_values(pattern)))
        if got != want:
            problems.append(f"{got} lines match {pattern!r}, expected exactly {want}")
    for pa, pb in spec.interleaved:
        a, b = _matching(lines, compile_with_values(pa)), _matching(lines, compile_with_values(pb))
        if not a or not b:
            problems.append(f"interleaving: {len(a)} lines match {pa!r} and {len(b)} match {pb!r}; need both")
        elif a[-1] < b[0] or b[-1] < a[0]:
            problems.append(f"not interleaved: every line matching {pa!r} is on one side of every line matching {pb!r}")
    for pa, pb in spec.before:
        a, b = _matching(lines, compile_with_values(pa)), _matching(lines, compile_with_values(pb))
        if not a or not b:
            problems.append(f"order: {len(a)} lines match {pa!r} and {len(b)} match {pb!r}; need both")
        elif a[0] > b[-1]:
            problems.append(f"order: the first line matching {pa!r} (line {a[0] + 1}) comes after the last "
                            f"matching {pb!r} (line {b[-1] + 1})")
    return problems


def verify_witness(tool, lines, log_path):
    """Saves the console to log_path and runs `tool verify log_path`; returns a problem string or None."""
    with open(log_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    try:
        res = subprocess.run([tool, "verify", log_path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"cannot run {tool} verify: {e}"
    out = res.stdout.decode(errors="replace").strip()
    if out:
        print(f"{os.path.basename(tool)} verify: {out}")
    if res.returncode != 0:
        return f"{tool} verify {log_path} exited with {res.returncode}, expected 0 (witness chain not intact)"
    return None


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("image", nargs="?", help="kernel image for QEMU's -kernel")
    ap.add_argument("--self-test", action="store_true", help="check this runner against a fake QEMU and exit")
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--cpu", default="cortex-a72")
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--rc", type=int, default=0, help="expected QEMU exit status")
    ap.add_argument("--expect", action="append", default=[], metavar="TEXT")
    ap.add_argument("--expect-re", action="append", default=[], metavar="REGEX")
    ap.add_argument("--forbid-re", action="append", default=[], metavar="REGEX")
    ap.add_argument("--count", action="append", nargs=2, default=[], metavar=("REGEX", "N"))
    ap.add_argument("--interleaved", action="append", nargs=2, default=[], metavar=("REGEX_A", "REGEX_B"))
    ap.add_argument("--before", action="append", nargs=2, default=[], metavar=("REGEX_A", "REGEX_B"))
    ap.add_argument("--capture", action="append", nargs=2, default=[], metavar=("NAME", "REGEX"))
    ap.add_argument("--require-prefix", action="store_true")
    ap.add_argument("--witness-tool", metavar="TOOL", help="run `TOOL verify LOG` on the console; must exit 0")
    ap.add_argument("--log", metavar="FILE", help="keep the captured console here (default: a temporary file)")
    ap.add_argument("--quiet", action="store_true", help="do not echo the console")
    args, extra = ap.parse_known_args(argv)
    if extra[:1] == ["--"]:
        extra = extra[1:]
    unknown = [x for x in extra if x.startswith("--")]
    if unknown:
        ap.error(f"unknown options: {' '.join(unknown)} (QEMU arguments go after --)")
    for pattern, n in args.count:
        if not n.isdigit():
            ap.error(f"--count {pattern!r} {n!r}: N must be a non-negative integer")
    for pattern in ([p for p in args.expect_re + args.forbid_re] + [p for p, _ in args.count]
                    + [p for pair in args.interleaved + args.before for p in pair] + [p for _, p in args.capture]):
        try:
            re.compile(pattern)
        except re.error as e:
            ap.error(f"bad regex {pattern!r}: {e}")
    if not args.self_test and not args.image:
        ap.error("IMAGE is required (or --self-test)")
    return args, extra


def run(args, extra):
    spec = Spec(rc=args.rc, expect=args.expect, expect_re=args.expect_re, forbid_re=args.forbid_re,
                count=args.count, interleaved=args.interleaved, before=args.before, capture=args.capture,
                require_prefix=args.require_prefix)
    cmd = qemu_command(args.qemu, args.image, args.cpu, args.mem, extra)
    print("running:", " ".join(cmd), flush=True)
    lines, rc, err = run_qemu(cmd, args.timeout, echo=not args.quiet)
    if err.strip():
        print("QEMU stderr:\n" + err.rstrip(), file=sys.stderr)
    problems = judge(lines, rc, args.timeout, spec)
    if args.witness_tool:
        if args.log:
            problem = verify_witness(args.witness_tool, lines, args.log)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                problem = verify_witness(args.witness_tool, lines, os.path.join(tmp, "console.log"))
        if problem:
            problems.append(problem)
    elif args.log:
        with open(args.log, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    for p in problems:
        print("FAIL:", p)
    verdict = "FAIL" if problems else "PASS"
    print(f"{verdict}: {len(lines)} console lines, QEMU exit status {rc}, {len(problems)} problems")
    return 1 if problems else 0


FAKE_QEMU = r'''
import sys, time
script = open(sys.argv[1], encoding="utf-8").read().splitlines()
print("[RVM] fake-qemu args: " + " ".join(sys.argv[2:]), flush=True)
for line in script:
    if line.startswith("@sleep "):
        time.sleep(float(line.split()[1]))
    elif line.startswith("@exit "):
        sys.exit(int(line.split()[1]))
    else:
        print(line, flush=True)
'''
FAKE_WITNESS = r'''
import sys
text = open(sys.argv[2], encoding="utf-8").read()
sys.exit(0 if sys.argv[1] == "verify" and "[RVM] WL1 " in text and "tampered" not in text else 1)
'''
GOOD_RUN = """[RVM] boot
[RVM] p1: hello: greetings from partition 1
[RVM] p2: ping: line 1/2
[RVM] p3: pong: line 1/2
[RVM] p4: rogue: partition 4 probing
[RVM] partition 4 stopped: stage-2 fault
[RVM] p2: ping: line 2/2
[RVM] p3: pong: line 2/2
[RVM] WL1 H fake
[RVM] summary: partitions=4 faults_contained=1 witnesses=9 chain=verified cpus=1 switches=3 hypercall_insns=448 switch_insns=2240
@exit 0"""


def self_test():
    """Drives run() end to end with a fake QEMU and a fake witness tool, checking each verdict."""
    with tempfile.TemporaryDirectory(prefix="rvm-qemu-selftest-") as tmp:
        return _self_test_in(tmp)


def _self_test_in(tmp):
    fake_qemu = os.path.join(tmp, "fake_qemu.py")
    fake_witness = os.path.join(tmp, "fake_witness.py")
    for path, body in ((fake_qemu, FAKE_QEMU), (fake_witness, FAKE_WITNESS)):
        with open(path, "w", encoding="utf-8") as f:
            f.write("#!" + sys.executable + "\n" + body)
        os.chmod(path, 0o755)

    full = ["--expect", "hello: greetings", "--interleaved", r"ping: line", r"pong: line",
            "--capture", "rogue", r"rogue: partition (\d+) probing",
            "--count", r"\[RVM\] partition {rogue} stopped:", "1", "--count", r"partition \d+ stopped:", "1",
            "--before", r"partition {rogue} stopped:", r"ping: line 2/2",
            "--expect-re", SUMMARY_OK, "--forbid-re", "ACCEPTED|ESCAPED",
            "--witness-tool", fake_witness, "--require-prefix"]
    cases = [
        ("a good run passes", GOOD_RUN, full, 0),
        ("wrong exit status fails", GOOD_RUN.replace("@exit 0", "@exit 3"), full, 1),
        ("a hang is killed and fails", "[RVM] boot\n@sleep 30", ["--timeout", "1"], 1),
        ("missing text fails", GOOD_RUN.replace("greetings", "bye"), full, 1),
        ("forbidden text fails", GOOD_RUN.replace("probing", "probing\n[RVM] rogue: ACCEPTED x status=0"), full, 1),
        ("no interleaving fails", GOOD_RUN.replace("[RVM] p3: pong: line 1/2\n", "")
         .replace("pong: line 2/2", "pong: line 1/2\n[RVM] p3: pong: line 2/2"), full, 1),
        ("a second stop fails", GOOD_RUN.replace("[RVM] WL1", "[RVM] partition 2 stopped: x\n[RVM] WL1"), full, 1),
        ("the wrong partition stopping fails", GOOD_RUN.replace("partition 4 stopped", "partition 2 stopped"),
         full, 1),
        ("a late stop fails --before", GOOD_RUN.replace("[RVM] partition 4 stopped: stage-2 fault\n", "")
         .replace("[RVM] WL1", "[RVM] partition 4 stopped: late\n[RVM] WL1"), full, 1),
        ("an unprefixed line fails", GOOD_RUN.replace("[RVM] boot", "boot"), full, 1),
        ("a broken witness chain fails", GOOD_RUN.replace("WL1 H fake", "WL1 H tampered"), full, 1),
        ("a BROKEN summary fails", GOOD_RUN.replace("chain=verified", "chain=BROKEN"), full, 1),
        ("extra QEMU args reach QEMU", "@exit 0", ["--expect", "-kernel image.elf -smp 1", "--", "-smp", "1"], 0),
    ]
    failures = 0
    for i, (name, script, opts, want) in enumerate(cases):
        console = os.path.join(tmp, f"case{i}.txt")
        with open(console, "w", encoding="utf-8") as f:
            f.write(script + "\n")
        # A per-case wrapper tells the fake QEMU which script to play; QEMU's own arguments follow.
        wrapper = os.path.join(tmp, f"qemu{i}")
        with open(wrapper, "w", encoding="utf-8") as f:
            f.write(f'#!/bin/sh\nexec "{sys.executable}" "{fake_qemu}" "{console}" "$@"\n')
        os.chmod(wrapper, 0o755)
        args, extra = parse_args(["--qemu", wrapper, "--quiet", "image.elf", *opts])
        got = run(args, extra)
        ok = got == want
        failures += not ok
        print(f"self-test {'ok' if ok else 'WRONG'}: {name} (exit {got}, expected {want})\n", flush=True)
    print(f"self-test: {len(cases) - failures}/{len(cases)} cases behaved as expected")
    return 1 if failures else 0


def main(argv):
    args, extra = parse_args(argv)
    if args.self_test:
        return self_test()
    return run(args, extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
