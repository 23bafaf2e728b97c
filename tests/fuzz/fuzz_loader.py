"""Fuzz the loader for a fixed time budget: python tests/fuzz/fuzz_loader.py [--seconds 300] [--seed N]

Runs the property of test_loader_fuzz.py (load or DataError, nothing else) with fresh random inputs in rounds of
--batch examples until the budget is spent. A failing input is shrunk by hypothesis, printed, and written to
--crashes (default tests/fuzz/crashes/) so it can be turned into a tests/bad_inputs/ case; exit status 1.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from check import LoaderCrash, check_file
from hypothesis import HealthCheck, given, seed, settings
from mutations import mutated_files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="time budget (default 300)")
    parser.add_argument("--batch", type=int, default=500, help="examples per round (default 500)")
    parser.add_argument("--seed", type=int, default=None, help="first round's seed (default: random)")
    parser.add_argument("--crashes", type=Path, default=Path(__file__).resolve().parent / "crashes")
    args = parser.parse_args()
    first = args.seed if args.seed is not None else random.randrange(2**32)
    started = time.monotonic()
    counts = {"loaded": 0, "refused": 0}
    rounds = 0
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "fuzzed.yaml"
        found: list[bytes] = []

        @settings(
            max_examples=args.batch,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(raw=mutated_files())
        def one(raw: bytes) -> None:
            try:
                counts[check_file(target, raw)] += 1
            except LoaderCrash:
                found[:] = [raw]
                raise

        while time.monotonic() - started < args.seconds:
            try:
                seed(first + rounds)(one)()
            except LoaderCrash as crash:
                args.crashes.mkdir(parents=True, exist_ok=True)
                saved = args.crashes / f"crash-{first + rounds}.yaml"
                saved.write_bytes(found[0] if found else b"")
                print(f"CRASH (round seed {first + rounds}): {crash}\ninput: {saved}", file=sys.stderr)
                return 1
            rounds += 1
            print(
                f"{time.monotonic() - started:7.1f} s: {rounds} round(s), {counts['loaded']} loaded, "
                f"{counts['refused']} refused, no crash",
                file=sys.stderr,
            )
    print(f"no crash in {rounds * args.batch} inputs ({time.monotonic() - started:.0f} s, seeds {first}..)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
