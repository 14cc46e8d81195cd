"""The register as people read it: links with school names and LAs, and a search over them."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard import config
from dashboard.register.model import EDITABLE_FIELDS

# The stored fields, with school and partner names beside the URNs (the partner's name
# replaces partner_name, which only schools abroad have).
REGISTER_COLUMNS = (
    "link_id",
    "school_urn",
    "school",
    "la_name",
    "partner_urn",
    "partner",
    *(f for f in EDITABLE_FIELDS if f not in ("school_urn", "partner_urn", "partner_name")),
    "source",
    "updated_by",
    "updated_at",
    "version",
)


def register_table(links_df: pd.DataFrame, schools_df: pd.DataFrame) -> pd.DataFrame:
    """The register with school names and LAs, for reading and exporting.

    Parameters
    ----------
    links_df : pandas.DataFrame
        From :func:`dashboard.register.store.list_links`.
    schools_df : pandas.DataFrame
        The schools table.

    Returns
    -------
    pandas.DataFrame
        ``link_id``, ``school_urn``, ``school``, ``la_name``, ``partner_urn``,
        ``partner``, ``partner_country``, ``link_types`` (text), ``mode``,
        ``status``, ``start_date``, ``end_date``, ``meetings_this_year``,
        ``notes``, ``source``, ``updated_by``, ``updated_at``, ``version``.
    """
    names = schools_df.set_index("urn")["school_name"]
    las = schools_df.set_index("urn")["la_name"].astype(str)
    out = links_df.copy()
    out["school"] = out["school_urn"].map(names)
    out["la_name"] = out["school_urn"].map(las)
    partner_school = out["partner_urn"].map(names)
    out["partner"] = partner_school.where(out["partner_urn"].notna(), out["partner_name"])
    out["link_types"] = out["link_types"].map(", ".join)
    out["updated_at"] = out["updated_at"].dt.tz_convert(config.LOCAL_TIME_ZONE)
    return out[list(REGISTER_COLUMNS)]


def search_register(table_df: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows whose school, partner, LA, notes or URNs contain ``text`` (case-insensitive).

    Parameters
    ----------
    table_df : pandas.DataFrame
        From :func:`register_table`.
    text : str
        What the officer typed.

    Returns
    -------
    pandas.DataFrame
        The matching rows.
    """
    query = text.strip().lower()
    if not query:
        return table_df
    haystack = table_df[
        [
            "school",
            "partner",
            "la_name",
            "notes",
            "school_urn",
            "partner_urn",
            "partner_country",
            "status",
            "link_types",
        ]
    ].astype(str)
    hit = haystack.apply(lambda col: col.str.lower().str.contains(query, regex=False)).any(axis=1)
    return table_df[hit]


def register_state(updated_at: datetime | None) -> str:
    """How current the register is, for captions and the briefing.

    Parameters
    ----------
    updated_at : datetime or None
        :func:`dashboard.register.queries.register_updated_at`.

    Returns
    -------
    str

    Examples
    --------
    >>> register_state(datetime(2026, 12, 2, 9, 30)), register_state(None)
    ('as of 2 December 2026', '(no links recorded yet)')
    """
    if updated_at is None:
        return "(no links recorded yet)"
    return f"as of {updated_at.day} {updated_at:%B %Y}"
