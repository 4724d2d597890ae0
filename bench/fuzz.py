"""The long fuzz profile (`make fuzz`): random and mutated blueprints, and the
large hostile shapes, through every command as whole processes.

Each case is written to a file and run as `validate`, `lint`, `render -f dot`
(every render stage but the Graphviz layout) and `render -f svg` (with the
layout), each a fresh process measured from outside: wall time and peak
memory (wait4's ru_maxrss: the process and the layout children it waited
for). The invariants of tests/fuzzing.py are checked on every run: exit
status 0, 1 or 2, no traceback, positions inside the file, no forged line, no
NUL in DOT, SVG that parses as XML, and (every tenth case) the same bytes
from a second render. A case that breaks one is saved under
bench/results/fuzz-failures/.

    python bench/fuzz.py --seconds 600         # or: make fuzz
    python bench/fuzz.py --cases 50 --no-shapes

Prints the cases run, the failures, and the worst time and memory per
command (with the case that caused it); writes bench/results/fuzz-*.json.
Needs the dev venv (hypothesis is a test dependency).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback

from common import RESULTS, ROOT, Run, peak_rss_mb, run, run_main, table, venv_python, write_json

sys.path.insert(0, os.path.join(ROOT, "tests"))

COMMANDS = {
    "validate": ["validate", "{file}"],
    "lint": ["lint", "--isolated", "{file}"],
    "render -f dot": ["render", "{file}", "-o", "{out}", "-f", "dot", "--force"],
    "render -f svg": ["render", "{file}", "-o", "{out}", "-f", "svg", "--force", "--timeout", "120"],
}
ALLOWED = {"validate": {0, 2}, "lint": {0, 1, 2}, "render -f dot": {0, 2}, "render -f svg": {0, 2}}


class Profile:
    def __init__(self, folder: str):
        self.folder = folder
        self.cases = 0
        self.runs = 0
        self.failures: list[dict] = []
        self.worst: dict[str, dict] = {}

    def record(self, command: str, name: str, result: Run) -> None:
        self.runs += 1
        worst = self.worst.setdefault(command, {"seconds": 0.0, "seconds_case": "", "mb": 0.0, "mb_case": ""})
        if result.seconds > worst["seconds"]:
            worst.update(seconds=result.seconds, seconds_case=name)
        megabytes = peak_rss_mb(result.max_rss_kb)
        if megabytes > worst["mb"]:
            worst.update(mb=megabytes, mb_case=name)

    def fail(self, name: str, data: bytes, problem: str) -> None:
        folder = os.path.join(RESULTS, "fuzz-failures")
        os.makedirs(folder, exist_ok=True)
        saved = os.path.join(folder, f"{len(self.failures):03d}-{name}.yaml")
        with open(saved, "wb") as handle:
            handle.write(data)
        self.failures.append({"case": name, "saved": os.path.relpath(saved, ROOT), "problem": problem[:2000]})
        print(f"  FAILED {name}: {problem.splitlines()[0][:200]} (saved {os.path.relpath(saved, ROOT)})", flush=True)

    def check(self, name: str, data: bytes, again: bool = False) -> None:
        import fuzzing

        self.cases += 1
        case_folder = os.path.join(self.folder, name)
        os.makedirs(case_folder, exist_ok=True)
        path = os.path.join(case_folder, "case.yaml")
        with open(path, "wb") as handle:
            handle.write(data)
        svg_bytes = None
        for command, arguments in COMMANDS.items():
            out = os.path.join(case_folder, "out")
            shutil.rmtree(out, ignore_errors=True)
            argv = [venv_python(), "-m", "sdiagram", *(a.format(file=path, out=out) for a in arguments)]
            result = run(argv, cwd=case_folder, timeout=300)
            self.record(command, name, result)
            output = result.stdout + result.stderr
            try:
                assert result.returncode in ALLOWED[command], f"{command} exited {result.returncode}:\n{output[-1500:]}"
                assert "Traceback" not in output, f"{command} printed a traceback:\n{output[-1500:]}"
                fuzzing.assert_output_positions(output, path, data)
                for file in os.listdir(out) if os.path.isdir(out) else ():
                    if not file.endswith((".dot", ".svg")):
                        continue  # the cache folder
                    with open(os.path.join(out, file), "rb") as handle:
                        written = handle.read()
                    if file.endswith(".dot"):
                        assert b"\x00" not in written, "NUL in a DOT file"
                    if file.endswith(".svg"):
                        fuzzing.assert_well_formed_svg(written)
                        svg_bytes = written
            except AssertionError as error:
                self.fail(name, data, f"{command}: {error}")
                return
            except Exception:  # noqa: BLE001 - the SVG parser and friends: a failure of this case
                self.fail(name, data, f"{command}: {traceback.format_exc(limit=2)}")
                return
        if again and svg_bytes is not None:
            out = os.path.join(case_folder, "again")
            argv = [venv_python(), "-m", "sdiagram", "render", path, "-o", out, "-f", "svg", "--force"]
            run(argv, cwd=case_folder, timeout=300)
            second = [f for f in os.listdir(out) if f.endswith(".svg")] if os.path.isdir(out) else []
            with open(os.path.join(out, second[0]), "rb") if second else open(os.devnull, "rb") as handle:
                if handle.read() != svg_bytes:
                    self.fail(name, data, "the same blueprint rendered to different SVG bytes")
        shutil.rmtree(case_folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300, help="time budget for random cases (default 300)")
    parser.add_argument("--cases", type=int, default=None, help="stop after this many random cases")
    parser.add_argument("--no-shapes", action="store_true", help="skip the large hostile shapes")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    options = parser.parse_args()
    try:
        from hypothesis import HealthCheck, Phase, given, seed, settings

        import fuzzing
    except ImportError as error:
        print(f"fuzz: needs the dev venv with the test extras (make fuzz): {error}", file=sys.stderr)
        return 2

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sdiagram-fuzz-") as folder:
        profile = Profile(folder)
        if not options.no_shapes:
            for name, data in fuzzing.shapes():
                print(f"shape {name} ({len(data):,} bytes)", flush=True)
                profile.check(name, data)
        deadline = time.monotonic() + options.seconds

        class Done(Exception):
            pass

        @settings(max_examples=options.cases or 10**9, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(data=fuzzing.cases())
        def one(data: bytes) -> None:
            if time.monotonic() > deadline:
                raise Done
            number = profile.cases
            profile.check(f"case{number:05d}", data, again=number % 10 == 0)
            if number % 25 == 0:
                print(f"{number} cases, {len(profile.failures)} failures, {time.monotonic() - started:.0f} s", flush=True)

        if options.seed is not None:
            one = seed(options.seed)(one)
        try:
            one()
        except Done:
            pass

    rows = [[command, f"{w['seconds']:.2f}", w["seconds_case"], f"{w['mb']:.0f}", w["mb_case"]]
            for command, w in profile.worst.items()]
    print()
    print(f"{profile.cases} cases, {profile.runs} command runs, {len(profile.failures)} failures, "
          f"{time.monotonic() - started:.0f} s")
    print(table(["command", "worst s", "case", "worst MB", "case"], rows, "lrlrl"))
    for failure in profile.failures:
        print(f"FAILED {failure['case']} ({failure['saved']}): {failure['problem'].splitlines()[0][:200]}")
    write_json("fuzz", {"cases": profile.cases, "runs": profile.runs, "failures": profile.failures,
                        "worst": profile.worst, "seconds": time.monotonic() - started})
    return 1 if profile.failures else 0


if __name__ == "__main__":
    run_main(main, "fuzz")
