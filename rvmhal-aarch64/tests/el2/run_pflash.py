#!/usr/bin/env python3
"""Boots the pflash EL2 image on QEMU virt with a drive file it makes in a
temporary directory, through run_qemu.py (which judges each boot), for one
scenario:
  full     one boot on a zeroed 64 MiB drive: every driver path;
  persist  an erased (all-ones) drive booted twice with one seed: the first
           boot writes ("pflash wrote"), the second finds the data
           ("pflash verified"); then one data byte of the file is flipped,
           and a third boot must report "pflash mismatch" and fail, as must
           a fourth with another seed, so the check is known to look;
  readonly a read-only erased drive: every write is refused with the
           device's error, and the file stays all ones;
  nodrive  no -drive for the bank: QEMU still emulates it, in memory only,
           and the driver works on it as on any other.
Usage: run_pflash.py SCENARIO RUN_QEMU QEMU IMAGE"""
import os
import subprocess
import sys
import tempfile

FLASH_BYTES = 64 << 20
DATA_BLOCK_BYTES = 4096


def boot(run_qemu, qemu, image, drive, rc, expect, append=None, readonly=False):
    cmd = [sys.executable, run_qemu, "--rc", str(rc)]
    for e in expect:
        cmd += ["--expect", e]
    cmd += ["--", qemu, "-machine", "virt,virtualization=on,gic-version=2", "-cpu", "cortex-a72", "-m", "128M",
            "-nographic", "-nic", "none", "-monitor", "none", "-semihosting-config", "enable=on,target=native",
            "-kernel", image]
    if drive is not None:
        cmd += ["-drive", f"if=pflash,format=raw,unit=1,file={drive}" + (",readonly=on" if readonly else "")]
    if append is not None:
        cmd += ["-append", append]
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=False).returncode == 0


def flip_byte(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x40]))


def make_drive(path, byte):
    with open(path, "wb") as f:
        f.write(bytes([byte]) * FLASH_BYTES)


def main():
    scenario, run_qemu, qemu, image = sys.argv[1:5]
    with tempfile.TemporaryDirectory(prefix="rvm-pflash-") as tmp:
        drive = os.path.join(tmp, "flash.img")
        if scenario == "full":
            make_drive(drive, 0x00)
            ok = boot(run_qemu, qemu, image, drive, 0, ["[RVM] el2: pflash PASS", "probe=RVM_OK"])
        elif scenario == "persist":
            make_drive(drive, 0xFF)
            ok = (boot(run_qemu, qemu, image, drive, 0, ["[RVM] el2: pflash wrote seed=0x00000000c0ffee11"],
                       "pflash=persist seed=c0ffee11")
                  and os.path.getsize(drive) == FLASH_BYTES
                  and boot(run_qemu, qemu, image, drive, 0, ["[RVM] el2: pflash verified seed=0x00000000c0ffee11"],
                           "pflash=persist seed=c0ffee11")
                  and boot(run_qemu, qemu, image, drive, 1, ["[RVM] el2: pflash mismatch seed=0x00000000c0ffee12"],
                           "pflash=persist seed=c0ffee12"))
            # A byte in the data's second erase block (blocks 60..67 straddle the boundary at block 64).
            flip_byte(drive, DATA_BLOCK_BYTES * 66 + 1234)
            ok = ok and boot(run_qemu, qemu, image, drive, 1, ["[RVM] el2: pflash mismatch seed=0x00000000c0ffee11"],
                             "pflash=persist seed=c0ffee11")
        elif scenario == "readonly":
            make_drive(drive, 0xFF)
            ok = (boot(run_qemu, qemu, image, drive, 0, ["[RVM] el2: pflash readonly refused"], "pflash=readonly",
                       readonly=True)
                  and open(drive, "rb").read() == b"\xff" * FLASH_BYTES)
        elif scenario == "nodrive":
            ok = boot(run_qemu, qemu, image, None, 0, ["[RVM] el2: pflash PASS", "probe=RVM_OK"])
        else:
            print(f"unknown scenario {scenario!r}")
            ok = False
    print("PASS" if ok else "FAIL", scenario)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
