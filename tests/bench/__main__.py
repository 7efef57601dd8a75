"""`make bench`: run every benchmark and print one table with ratios against its baseline."""

from __future__ import annotations

import importlib
import sys
import time

from tests.bench.table import BenchRow, format_table

BENCHMARKS = (
    "bench_e2e",
    "bench_storage",
    "bench_matching",
    "bench_startup",
    "bench_emulator",
    "bench_registration",
    "bench_broadcast",
    "bench_clusters",
    "bench_updates",
)


def main() -> int:
    """Run each benchmark module in turn and print the combined table."""
    rows: list[BenchRow] = []
    for name in BENCHMARKS:
        started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        module = importlib.import_module(f"tests.bench.{name}")
        rows.extend(module.run())
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
