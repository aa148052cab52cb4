#!/usr/bin/env python3
"""Boots the RVM demo image under QEMU virt with the console on stdout, live.

Usage: run_demo.py IMAGE [EXTRA QEMU ARGS...]
Defaults: -cpu cortex-a72 -m 256M -smp 2 -icount shift=0 (two CPUs, and a
virtual clock of one nanosecond per instruction, so that the costs in the
summary line are instruction counts); extra arguments are appended, so a later
-cpu, -m or -smp overrides them. The environment variable RVM_DEMO_TIMEOUT (seconds,
default 120) bounds the run.

Prints nothing of its own on success. Exit status: QEMU's, except 1 when QEMU
exited 0 but the console lacks the summary line or the summary says
chain=BROKEN, and 124 when QEMU had to be killed at the timeout (the reason
goes to stderr in both cases).
"""
import os
import subprocess
import sys
import threading

# Importing the sibling runner must not leave a __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rvm_qemu_test import SUMMARY_RE, qemu_command  # noqa: E402  (the path above makes it importable)

TIMEOUT_EXIT = 124


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    image, extra = argv[0], argv[1:]
    if not os.path.isfile(image):
        print(f"run_demo: no such image: {image}", file=sys.stderr)
        return 2
    try:
        timeout = float(os.environ.get("RVM_DEMO_TIMEOUT", "120"))
    except ValueError:
        print("run_demo: RVM_DEMO_TIMEOUT must be a number of seconds", file=sys.stderr)
        return 2

    defaults = ["-smp", "2", "-icount", "shift=0"]
    cmd = qemu_command(os.environ.get("QEMU", "qemu-system-aarch64"), image, "cortex-a72", "256M", defaults + extra)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    except OSError as e:
        print(f"run_demo: cannot start {cmd[0]}: {e}", file=sys.stderr)
        return 127
    summary = None
    timer_expired = []
    timer = threading.Timer(timeout, lambda: (timer_expired.append(True), proc.kill()))
    timer.start()
    try:
        for raw in proc.stdout:
            sys.stdout.buffer.write(raw)
            sys.stdout.buffer.flush()
            m = SUMMARY_RE.search(raw.decode(errors="replace"))
            if m:
                summary = m
        rc = proc.wait()
    except KeyboardInterrupt:
        proc.kill()
        proc.wait()
        print("run_demo: interrupted", file=sys.stderr)
        return 130
    finally:
        timer.cancel()

    if timer_expired:
        print(f"run_demo: QEMU killed after {timeout:g} s without exiting", file=sys.stderr)
        return TIMEOUT_EXIT
    if rc < 0:
        return 128 - rc  # killed by a signal: the shell's convention
    if rc != 0:
        return rc
    if summary is None:
        print("run_demo: the console has no '[RVM] summary:' line", file=sys.stderr)
        return 1
    if summary.group(4) == "BROKEN":
        print("run_demo: the summary reports chain=BROKEN", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
