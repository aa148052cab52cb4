#!/usr/bin/env python3
"""Runs QEMU for an EL2 test image and judges the run: the exit status must
be the expected one, every console line must start with "[RVM] ", and each
--expect text must appear. When the image prints "console rx ready", types
"rvm" on its console. Usage:
  run_qemu.py --rc N [--expect TEXT]... -- qemu-system-aarch64 ARGS..."""
import argparse
import subprocess
import sys
import threading

PREFIX = "[RVM] "
RX_READY = "console rx ready"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rc", type=int, required=True)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = []

    def read_console():
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            lines.append(line)
            print(line, flush=True)
            if RX_READY in line:
                proc.stdin.write(b"rvm")
                proc.stdin.flush()

    reader = threading.Thread(target=read_console, daemon=True)
    reader.start()
    try:
        rc = proc.wait(timeout=a.timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        rc = None
    reader.join(timeout=5)
    err = proc.stderr.read().decode(errors="replace")
    if err:
        print(err, file=sys.stderr)

    problems = []
    if rc != a.rc:
        problems.append(f"exit status {rc}, expected {a.rc}" if rc is not None else f"timed out after {a.timeout} s")
    problems += [f"line without the {PREFIX!r} prefix: {ln!r}" for ln in lines if ln and not ln.startswith(PREFIX)]
    problems += [f"missing output: {t!r}" for t in a.expect if not any(t in ln for ln in lines)]
    for p in problems:
        print("FAIL:", p)
    print(f"{len(lines)} console lines, exit status {rc}; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
