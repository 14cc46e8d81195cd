"""Time partner suggestions and pairing plans on the embedded data (issue #5).

Prints, each on a line of its own:

* ``one_school_ms`` — median time to rank the best 10 partners for one school
  (200 schools picked at random, data and index already loaded);
* ``all_schools_s`` — the best 10 partners for every school in England;
* ``kent_plan_s`` — a pairing plan for Kent, the largest LA, with candidates from
  Kent and its neighbours within 25 km (finding the gaps included).

Usage: ``python bench/partners.py``
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.analysis import gaps, pairing, partners
from dashboard.data import embedded
from dashboard.register import model


def main() -> None:
    schools = embedded.read_schools()
    las = embedded.read_local_authorities()
    start = time.perf_counter()
    index = partners.PartnerIndex(schools)
    build_s = time.perf_counter() - start

    rng = np.random.default_rng(7)
    sample = rng.choice(schools.loc[schools["has_ethnicity"], "urn"].to_numpy(), 200, replace=False)
    times = []
    for urn in sample:
        start = time.perf_counter()
        partners.suggest_partners(index, int(urn))
        times.append(time.perf_counter() - start)

    start = time.perf_counter()
    everyone = partners.best_partners_for_all(index)
    all_s = time.perf_counter() - start

    kent = schools[schools["la_name"] == "Kent"]
    start = time.perf_counter()
    status = gaps.link_status_by_school(schools, pd.DataFrame(columns=model.LINK_COLUMNS))
    kent_gaps = gaps.find_gaps(kent, status.loc[kent.index])
    neighbours = pairing.neighbouring_las(las, "Kent")
    candidates = schools[schools["la_name"].isin(["Kent", *neighbours])]["urn"]
    plan = pairing.plan_pairings(index, kent_gaps["urn"].tolist(), candidates.tolist())
    kent_s = time.perf_counter() - start

    print(f"index_build_s: {build_s:.3f}")
    print(f"one_school_ms: {1000 * statistics.median(times):.2f}")
    print(f"one_school_p95_ms: {1000 * float(np.percentile(times, 95)):.2f}")
    print(f"all_schools_s: {all_s:.2f}")
    print(f"all_schools_rows: {len(everyone)}")
    print(f"kent_schools: {len(kent)}")
    print(f"kent_gap_schools: {len(kent_gaps)}")
    print(f"kent_candidates: {len(candidates)}")
    print(f"kent_pairs: {len(plan.pairs)}")
    print(f"kent_plan_s: {kent_s:.3f}")


if __name__ == "__main__":
    main()
