"""Time partner suggestions and pairing plans on the embedded data (issue #5).

Prints, each on a line of its own:

* ``one_school_ms`` — median time to rank the best 10 partners for one school
  (200 schools picked at random, data and index already loaded);
* ``all_schools_s`` — the best 10 partners for every school in England;
* ``kent_plan_s`` — a pairing plan for Kent, the largest LA, with candidates from
  Kent and its neighbours within 25 km (finding the gaps included);
* ``worcestershire_plan_*`` — the ethnicity plan for Worcestershire: time, pairs and
  median distance (overall, and for primary and first schools);
* ``diverse_reach_s`` and ``la_measures_s`` — which schools have a diverse school
  within reach, and the briefing measures for every LA (the summary page's first load).

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

from dashboard.analysis import exposure, gaps, pairing, partners, plan_purposes
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

    worcs = schools[schools["la_name"] == "Worcestershire"]
    start = time.perf_counter()
    need = plan_purposes.schools_needing(
        plan_purposes.PURPOSES["ethnicity"], worcs, status.loc[worcs.index], model_links()
    )
    nearby = pairing.neighbouring_las(las, "Worcestershire")
    pool = schools[schools["la_name"].isin(["Worcestershire", *nearby])]["urn"]
    worcs_plan = pairing.plan_pairings(index, need["urn"].tolist(), pool.tolist())
    worcs_s = time.perf_counter() - start
    stages = worcs_plan.distances_by_stage().set_index("stage")["median_km"]

    start = time.perf_counter()
    reach = pd.Series(exposure.diverse_within_reach(index), index=schools.index)
    reach_s = time.perf_counter() - start
    start = time.perf_counter()
    exposure.measures_by_la(schools, reach)
    measures_s = time.perf_counter() - start

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
    print(f"worcestershire_plan_s: {worcs_s:.3f}")
    print(f"worcestershire_plan_pairs: {len(worcs_plan.pairs)}")
    print(f"worcestershire_plan_median_km: {worcs_plan.median_distance_km:.1f}")
    print(f"worcestershire_plan_primary_median_km: {stages.get('Primary', float('nan')):.1f}")
    print(f"worcestershire_plan_first_median_km: {stages.get('First', float('nan')):.1f}")
    print(f"diverse_reach_s: {reach_s:.3f}")
    print(f"la_measures_s: {measures_s:.3f}")


def model_links() -> pd.DataFrame:
    """An empty register (the benchmark plans from scratch)."""
    return pd.DataFrame(columns=model.LINK_COLUMNS)


if __name__ == "__main__":
    main()
