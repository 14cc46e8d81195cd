"""Time loading the embedded data into memory; prints ``load_data_s: <seconds>``.

The first read in a fresh process is what a newly started app pays, so that is
the figure printed; the best of five further reads is printed beside it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.data import embedded


def load_all() -> int:
    schools = embedded.read_schools()
    las = embedded.read_local_authorities()
    regions = embedded.read_regions()
    return len(schools) + len(las) + len(regions)


def main() -> None:
    start = time.perf_counter()
    rows = load_all()
    first = time.perf_counter() - start
    repeats = []
    for _ in range(5):
        start = time.perf_counter()
        load_all()
        repeats.append(time.perf_counter() - start)
    print(f"rows: {rows}")
    print(f"load_data_s: {first:.3f}")
    print(f"load_data_warm_s: {min(repeats):.3f}")


if __name__ == "__main__":
    main()
