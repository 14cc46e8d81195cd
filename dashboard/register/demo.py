"""An optional demo register of generated, illustrative links (never real data).

It lets people explore the map, gaps and summaries before a council has entered
its own links. Every demo link is marked ``source = "demo (illustrative, not
real)"`` and pages that show them must say so in a banner. The demo register is
never written to the council's database.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.analysis.partners import PartnerIndex, best_partners_for_all
from dashboard.config import PREDOMINANTLY_WHITE_PCT
from dashboard.register.model import LINK_COLUMNS

DEMO_SOURCE = "demo (illustrative, not real)"


def generate_demo_links(
    index: PartnerIndex, *, share: float = 0.12, seed: int = 2026
) -> pd.DataFrame:
    """Generate plausible links for a share of predominantly white schools.

    Each chosen school is linked to one of its five best-scoring partners (see
    :func:`dashboard.analysis.partners.best_partners_for_all`), with a type that matches
    how the two differ, a random status, mode, start term and number of meetings.
    The same seed always gives the same register.

    Parameters
    ----------
    index : PartnerIndex
        The schools and their spatial index.
    share : float
        Share of predominantly white schools that get a demo link.
    seed : int
        Random seed.

    Returns
    -------
    pandas.DataFrame
        Same columns as :func:`dashboard.register.queries.list_links`, with negative
        ``link_id`` values so they can never be mistaken for register ids.
    """
    rng = np.random.default_rng(seed)
    schools = index.schools_df
    white = schools.loc[schools["white_british_pct"] >= PREDOMINANTLY_WHITE_PCT, "urn"].to_numpy()
    chosen = set(rng.choice(white, size=int(len(white) * share), replace=False).tolist())
    best = best_partners_for_all(index, top=5, only_urns=chosen)
    picks = best.groupby("urn", sort=True).sample(n=1, random_state=seed)
    by_urn = schools.set_index("urn")
    records = []
    used: set[tuple[int, int]] = set()
    for number, row in enumerate(picks.itertuples(index=False), start=1):
        pair = tuple(sorted((int(row.urn), int(row.partner_urn))))
        if pair in used:
            continue
        used.add(pair)
        a, b = by_urn.loc[row.urn], by_urn.loc[row.partner_urn]
        types = []
        if abs(a["white_british_pct"] - b["white_british_pct"]) >= 20:
            types.append("ethnicity")
        if a["religious_character"] != b["religious_character"]:
            types.append("faith")
        if abs((a["fsm_pct"] or 0) - (b["fsm_pct"] or 0)) >= 15:
            types.append("socio-economic")
        status = rng.choice(["active", "proposed", "ended"], p=[0.65, 0.25, 0.10])
        start_year = int(rng.integers(2019, 2027))
        start = date(start_year, int(rng.choice([1, 4, 9])), 1)
        records.append(
            {
                "link_id": -number,
                "school_urn": int(row.urn),
                "partner_urn": int(row.partner_urn),
                "partner_name": None,
                "partner_country": None,
                "link_types": types or ["other"],
                "mode": str(rng.choice(["in person", "virtual", "both"], p=[0.4, 0.2, 0.4])),
                "status": str(status),
                "start_date": start,
                "end_date": date(start_year + 1, 7, 20) if status == "ended" else None,
                "meetings_this_year": int(rng.integers(0, 5)) if status == "active" else 0,
                "meetings_school_year": None,
                "notes": "",
                "source": DEMO_SOURCE,
                "created_by": "demo",
                "created_at": None,
                "updated_by": "demo",
                "updated_at": None,
                "version": 1,
            }
        )
    frame = pd.DataFrame(records, columns=list(LINK_COLUMNS))
    for column in ("link_id", "school_urn", "partner_urn", "meetings_this_year", "version"):
        frame[column] = frame[column].astype("Int64")
    return frame
