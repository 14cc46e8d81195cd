"""Helpers of the partner finder page: the ranked table."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis import partners
from dashboard.app.widgets import columns

PARTNER_COLUMNS = columns("rank", *partners.SHOWN_COLUMNS)


def partner_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """Ranked candidates with a rank column, in reading order."""
    out = ranked.assign(rank=range(1, len(ranked) + 1))
    return out[list(PARTNER_COLUMNS)]
