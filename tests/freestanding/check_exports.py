#!/usr/bin/env python3
"""Checks the freestanding link result and the libraries' symbol hygiene:
the linked image has no undefined symbol, every global symbol a library
defines carries the `rvm_` prefix and is declared either in a public header or
in the library's private src/*.h (shared between its own files), and every
public function was linked."""
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from gen_link_all import declared_functions  # noqa: E402


def nm(tool, *args):
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


def main():
    nm_tool, image, gen_c = sys.argv[1], sys.argv[2], sys.argv[3]
    rest = sys.argv[4:]
    # --exclude NAME: a header whose library part this build leaves out (an optional feature).
    excluded = {rest[i + 1] for i, a in enumerate(rest) if a == "--exclude"}
    rest = [a for i, a in enumerate(rest) if a != "--exclude" and (i == 0 or rest[i - 1] != "--exclude")]
    libs = [a for a in rest if a.endswith(".a")]
    dirs = [a for a in rest if not a.endswith(".a")]
    declared = {f for d in dirs for h in pathlib.Path(d).glob("*.h") if h.name not in excluded
                for f in declared_functions(h.read_text())}
    private_dirs = [pathlib.Path(d).parent.parent / "src" for d in dirs]
    internal = {f for d in private_dirs for h in d.glob("*.h") for f in declared_functions(h.read_text())}
    failures = []
    undefined = nm(nm_tool, "-u", image).split()
    if undefined:
        failures.append(f"image has undefined symbols: {undefined}")
    for lib in libs:
        for line in nm(nm_tool, "--defined-only", "--extern-only", lib).splitlines():
            parts = line.split()
            if len(parts) != 3:
                continue
            kind, name = parts[1], parts[2]
            if not name.startswith("rvm_"):
                failures.append(f"{lib}: global symbol without the rvm_ prefix: {name}")
            elif kind in "Tt" and name not in declared and name not in internal:
                failures.append(f"{lib}: global function declared in no header: {name}")
    image_syms = set(nm(nm_tool, "--defined-only", image).split())
    missing = sorted(f for f in declared if f not in image_syms)
    if missing:
        failures.append(f"declared but not linked: {missing}")
    referenced = pathlib.Path(gen_c).read_text().count("(rvm_link_fn)")
    for f in failures:
        print("FAIL:", f)
    print(f"{referenced} public functions linked with -nostdlib; {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
