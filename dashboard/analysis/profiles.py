"""One school's profile and links, ready to show in a details panel or table."""

from __future__ import annotations

import pandas as pd

from dashboard import config
from dashboard.analysis import metrics


def school_profile(schools_df: pd.DataFrame, urn: int) -> dict[str, object]:
    """Plain facts about one school, labelled for people.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The schools table.
    urn : int
        The school.

    Returns
    -------
    dict
        Label -> value (text or number), in display order; includes the three
        largest ethnic groups.

    Raises
    ------
    KeyError
        If the URN is unknown.
    """
    rows = schools_df[schools_df["urn"] == urn]
    if rows.empty:
        raise KeyError(f"There is no school with URN {urn}.")
    school = rows.iloc[0]

    def pct(value: object) -> str:
        return "no data" if pd.isna(value) else f"{float(value):.1f} %"

    groups = metrics.largest_groups(school, 3)
    return {
        "URN": int(school["urn"]),
        "Local authority": str(school["la_name"]),
        "Region": str(school["region"]),
        "Phase": str(school["phase"]),
        "Type": str(school["establishment_type"]),
        "Religious character": str(school["religious_character"]),
        f"Pupils ({config.REGISTER_DATE})": (
            "not recorded" if pd.isna(school["pupils"]) else f"{int(school['pupils']):,}"
        ),
        "Postcode": "" if pd.isna(school["postcode"]) else str(school["postcode"]),
        "White British": pct(school["white_british_pct"]),
        "Diversity index": (
            "no data" if pd.isna(school["diversity_index"]) else f"{school['diversity_index']:.2f}"
        ),
        "Free school meals": pct(school["fsm_pct"]),
        "English as an additional language": pct(school["eal_pct"]),
        "Largest ethnic groups": (
            "; ".join(f"{label} {share:.0f} %" for label, share in groups) or "no data"
        ),
    }


def links_table(links_df: pd.DataFrame, schools_df: pd.DataFrame, urn: int) -> pd.DataFrame:
    """A school's links, seen from that school, for display.

    Parameters
    ----------
    links_df : pandas.DataFrame
        The register (and demo links, if shown).
    schools_df : pandas.DataFrame
        The schools table (for partner names).
    urn : int
        The school.

    Returns
    -------
    pandas.DataFrame
        ``link_id``, ``partner`` (name, or "name, country" abroad), ``where``
        ("England" or the country), ``types``, ``status``, ``mode``,
        ``meetings_this_year``, ``source``.
    """
    names = schools_df.set_index("urn")["school_name"]
    mine = links_df[
        (links_df["school_urn"] == urn) | (links_df["partner_urn"] == urn).fillna(False)
    ]
    records = []
    for link in mine.itertuples(index=False):
        other = link.partner_urn if link.school_urn == urn else link.school_urn
        if pd.isna(other):
            partner, where = f"{link.partner_name}", str(link.partner_country)
        else:
            partner, where = str(names.get(int(other), f"URN {int(other)}")), "England"
        records.append(
            {
                "link_id": link.link_id,
                "partner": partner,
                "where": where,
                "types": ", ".join(link.link_types),
                "status": link.status,
                "mode": link.mode,
                "meetings_this_year": link.meetings_this_year,
                "source": link.source,
            }
        )
    columns = [
        "link_id",
        "partner",
        "where",
        "types",
        "status",
        "mode",
        "meetings_this_year",
        "source",
    ]
    return pd.DataFrame(records, columns=columns)


# What every table of schools starts with, and the map's table of schools.
SCHOOL_FACTS = (
    "urn",
    "school_name",
    "la_name",
    "phase",
    "religious_character",
    "white_british_pct",
)
SCHOOL_TABLE_COLUMNS = (*SCHOOL_FACTS, "diversity_index", "fsm_pct", "eal_pct", "links")


def schools_table(
    schools_df: pd.DataFrame, link_counts: dict[int, int] | None = None
) -> pd.DataFrame:
    """The columns the map's table shows, with people's headings applied by the page.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        Filtered schools.
    link_counts : dict or None
        URN -> links (not ended).

    Returns
    -------
    pandas.DataFrame
        ``urn``, ``school_name``, ``la_name``, ``phase``, ``religious_character``,
        ``white_british_pct``, ``diversity_index``, ``fsm_pct``, ``eal_pct``,
        ``links``; numbers rounded for reading.
    """
    out = pd.DataFrame(
        {
            "urn": schools_df["urn"].to_numpy(),
            "school_name": schools_df["school_name"].to_numpy(),
            "la_name": schools_df["la_name"].astype(str).to_numpy(),
            "phase": schools_df["phase"].astype(str).to_numpy(),
            "religious_character": schools_df["religious_character"].astype(str).to_numpy(),
            "white_british_pct": schools_df["white_british_pct"].round(1).to_numpy(),
            "diversity_index": schools_df["diversity_index"].round(2).to_numpy(),
            "fsm_pct": schools_df["fsm_pct"].round(1).to_numpy(),
            "eal_pct": schools_df["eal_pct"].round(1).to_numpy(),
        }
    )
    counts = link_counts or {}
    out["links"] = [counts.get(int(u), 0) for u in out["urn"]]
    return out[list(SCHOOL_TABLE_COLUMNS)]


def link_counts(links_df: pd.DataFrame) -> dict[int, int]:
    """How many links (not ended) each school takes part in.

    Parameters
    ----------
    links_df : pandas.DataFrame
        The register (``school_urn``, ``partner_urn``, ``status``).

    Returns
    -------
    dict of int to int
        URN -> number of links.
    """
    live = links_df[links_df["status"] != "ended"]
    urns = pd.concat([live["school_urn"], live["partner_urn"]]).dropna().astype(int)
    return urns.value_counts().to_dict()
