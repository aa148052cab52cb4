#!/usr/bin/env python3
"""Runs clang-tidy with the repository's .clang-tidy over every library source
in a build's compile database; any finding fails the test."""
import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys

LIB_DIRS = ("librvm", "rvmhal-aarch64", "rvm-kernel")


def library_sources(src_root, build_dir):
    db = json.loads((pathlib.Path(build_dir) / "compile_commands.json").read_text())
    files = set()
    for entry in db:
        path = (pathlib.Path(entry["directory"]) / entry["file"]).resolve()
        rel = path.relative_to(src_root) if path.is_relative_to(src_root) else None
        if rel and rel.parts[0].startswith(LIB_DIRS) and rel.parts[1] == "src" and path.suffix == ".c":
            files.add(path)
    return sorted(files)


def tidy(tool, build_dir, path):
    r = subprocess.run([tool, "-p", build_dir, "--quiet", str(path)], capture_output=True, text=True)
    findings = [l for l in r.stdout.splitlines() if ": warning:" in l or ": error:" in l]
    return path, r.returncode, findings, r.stdout


def main():
    tool, src_root, build_dir = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), sys.argv[3]
    files = library_sources(src_root, build_dir)
    if not files:
        print("no library sources found in the compile database")
        return 1
    bad = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for path, rc, findings, out in pool.map(lambda p: tidy(tool, build_dir, p), files):
            if rc != 0 or findings:
                bad += 1
                print(out)
    print(f"clang-tidy: {len(files)} files, {bad} with findings")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
