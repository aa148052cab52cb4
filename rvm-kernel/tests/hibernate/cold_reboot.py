#!/usr/bin/env python3
"""The cold tier across reboots: boots the rvm-hib-cold image four times on one 64 MiB flash drive.

1. The worker is hibernated mid-computation into the cold tier and the run ends.
2. Booted again, it continues from flash (never restarting its computation) and its result matches.
3. The image was consumed: the worker starts fresh and is sent to the cold tier again.
4. One byte of that image is flipped on the drive: it is refused and the worker starts fresh.
Each boot goes through rvm_qemu_test.py with its expectations; any failure fails the test.
"""
import argparse
import os
import subprocess
import sys
import tempfile

FLASH_BYTES = 64 << 20
BLOCK = 4096
SLOT_BLOCKS = 1040  # rvm-kernel/src/cold.c
SUMMARY = (r"^\[RVM\] summary: partitions=2 faults_contained=0 witnesses=\d+ chain=verified cpus=1 switches=\d+ "
           r"hypercall_insns=\d+ switch_insns=\d+$")


def boot(args, flash, name, expect):
    cmd = [sys.executable, args.runner, "--qemu", args.qemu, "--cpu", "cortex-a72", "--mem", "256M",
           "--timeout", "120", "--require-prefix", "--expect", "[RVM] memory: every frame returned",
           "--expect-re", SUMMARY, "--forbid-re", "FAIL|LEAKED|fatal|stopped:"]
    cmd += expect
    cmd += [args.image, "--", "-drive", f"if=pflash,format=raw,unit=1,file={flash}"]
    print(f"== boot {name}", flush=True)
    return subprocess.run(cmd).returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runner", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("image")
    args = ap.parse_args()
    fresh = ["--expect", "[RVM] [p2] compute: computing",
             "--expect-re", r"^\[RVM\] partition 2 moved to cold storage: 1024 RAM pages, checkpoint \d+ B",
             "--expect", "[RVM] [p1] control: worker sent to cold storage; ending the run"]
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
        flash = os.path.join(tmp, "cold.img")
        with open(flash, "wb") as f:
            f.write(b"\xff" * FLASH_BYTES)  # erased flash
        ok = boot(args, flash, "1: hibernate into the cold tier", fresh)
        ok = ok and boot(args, flash, "2: continue from the cold tier", [
            "--expect", "[RVM] partition 2 restored from cold storage",
            "--expect", "[RVM] [p1] control: result after a reboot matches the uninterrupted run",
            "--forbid-re", r"\[p2\] compute: computing"])
        ok = ok and boot(args, flash, "3: image consumed, fresh start", fresh +
                         ["--forbid-re", "restored from cold storage"])
        if ok:
            with open(flash, "r+b") as f:
                f.seek((1 + SLOT_BLOCKS) * BLOCK + 300)
                b = f.read(1)
                f.seek(-1, os.SEEK_CUR)
                f.write(bytes([b[0] ^ 0x01]))
        ok = ok and boot(args, flash, "4: damaged image refused", fresh + [
            "--expect-re", r"^\[RVM\] partition 2 not restored from cold storage \(err 30\), starting fresh$"])
    print("cold reboot: PASS" if ok else "cold reboot: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
