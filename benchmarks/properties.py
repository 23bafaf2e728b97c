"""The property tests with 500 examples each: python benchmarks/properties.py [--seed N] [-k EXPR] [--output FILE]

tests/test_properties.py runs a few derandomised examples per property in CI; this runs the same properties with
the `thorough` profile (CONFSCHED_PROPERTIES=thorough: 500 fresh random examples each) and prints one Markdown row
per property: outcome, examples run, seconds. A failure prints hypothesis' shrunk example (and the seed to replay it
with --seed) and exits 1. Not part of CI: it takes tens of minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests" / "test_properties.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/properties.py", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, help="hypothesis seed, to replay a run (default: random)")
    parser.add_argument("-k", dest="select", help="only the properties matching this pytest -k expression")
    parser.add_argument("--profile", default="thorough", choices=["thorough", "ci"], help="hypothesis profile")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "junit.xml"
        command = [sys.executable, "-m", "pytest", str(TESTS), "-q", "-p", "no:cacheprovider"]
        command += ["--hypothesis-show-statistics", f"--junitxml={report}", "-o", "junit_family=xunit2"]
        if args.seed is not None:
            command.append(f"--hypothesis-seed={args.seed}")
        if args.select:
            command += ["-k", args.select]
        environment = {**os.environ, "CONFSCHED_PROPERTIES": args.profile}
        print(f"running {' '.join(command[2:])} with CONFSCHED_PROPERTIES={args.profile}", file=sys.stderr)
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
        wall = time.perf_counter() - started
        sys.stderr.write(result.stdout[-20000:] + result.stderr[-5000:])
        cases = ET.parse(report).getroot().iter("testcase") if report.exists() else []
        rows = [_row(case, result.stdout) for case in cases]

    lines = [
        f"Property tests, profile `{args.profile}`, {wall:.0f} s in all (Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs)",
        "",
        "| property | outcome | examples | seconds |",
        "| --- | --- | ---: | ---: |",
        *(f"| {name} | {outcome} | {examples} | {seconds:.1f} |" for name, outcome, examples, seconds in rows),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0 if result.returncode == 0 else 1


def _row(case: ET.Element, output: str) -> tuple[str, str, str, float]:
    name = case.get("name", "?")
    outcome = "failed" if case.find("failure") is not None or case.find("error") is not None else "passed"
    if case.find("skipped") is not None:
        outcome = "skipped"
    # --hypothesis-show-statistics prints, per test, e.g. "- during generate phase (12.3 seconds):" followed by
    # "- 500 passing, 0 failing, and 12 invalid test cases"
    section = output.split(f"::{name}:", 1)[1] if f"::{name}:" in output else ""
    section = section.split("\ntests/", 1)[0]
    counts = [int(n) for n in re.findall(r"(\d+) passing", section)]
    return name, outcome, str(sum(counts)) if counts else "?", float(case.get("time", 0))


if __name__ == "__main__":
    sys.exit(main())
