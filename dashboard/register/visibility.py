"""Who sees which links: the register's privacy rule, decided once for every page and export.

Links are not public data. Cabinet members and council officers see the whole
register. A school sees its own links in full (as school or as partner, any
status, its proposals included) and, for every other school, only how many
active links it has. The public sees only how many active links each school,
and so each area, has. Proposed and ended links are never shown to anyone
but their own school, cabinet and officers.

Every page reads links through :func:`visible_links`, so a page, table,
download, PDF or map layer can only show what the viewer may see. A link the
viewer may only count keeps its two schools (so counts per school and per area
stay right) and loses everything else; pages draw and list only the rows with
``detail`` set (:func:`detailed`). README's "Signing in" section shows
:data:`ROLE_SEES` as a table, and a test checks the two agree.
"""

from __future__ import annotations

import pandas as pd

from dashboard.register import auth
from dashboard.register.auth import User

REGISTER = "register"
OWN = "own"
COUNTS = "counts"
# What each role may see of the links.
ROLE_ACCESS: dict[str, str] = {
    auth.OFFICER: REGISTER,
    auth.CABINET: REGISTER,
    auth.SCHOOL: OWN,
    auth.PUBLIC: COUNTS,
}
# The same rule in words, one row per role: README's role table is checked against it.
ROLE_SEES: dict[str, dict[str, str]] = {
    auth.OFFICER: {
        "links": "every link, any status, with all its details",
        "proposed": "yes",
        "map": "every link line",
        "downloads": "the register (CSV, Excel), the briefing PDF",
    },
    auth.CABINET: {
        "links": "every link, any status, with all its details",
        "proposed": "yes",
        "map": "every link line",
        "downloads": "tables of schools with link counts, the briefing PDF",
    },
    auth.SCHOOL: {
        "links": "its own links in full; for other schools, counts of active links",
        "proposed": "its own only",
        "map": "its own link lines",
        "downloads": "tables with its own links and counts of active links",
    },
    auth.PUBLIC: {
        "links": "counts of active links per school and area",
        "proposed": "no",
        "map": "no link lines",
        "downloads": "tables with counts of active links",
    },
}
# Columns of a counted-only link that keep their value; the rest are blanked.
_KEPT = ("link_id", "school_urn", "partner_urn", "status", "version")
_BLANK: dict[str, object] = {
    "partner_name": None,
    "partner_country": None,
    "mode": "",
    "start_date": None,
    "end_date": None,
    "meetings_this_year": 0,
    "meetings_school_year": None,
    "notes": "",
    "source": "",
    "created_by": "",
    "updated_by": "",
}


def link_access(user: User) -> str:
    """What ``user`` may see of the links: ``"register"``, ``"own"`` or ``"counts"``.

    Examples
    --------
    >>> link_access(auth.ANONYMOUS)
    'counts'
    """
    return ROLE_ACCESS[user.role]


def visible_links(links_df: pd.DataFrame, user: User) -> pd.DataFrame:
    """The links ``user`` may see, with a ``detail`` column saying which they may read in full.

    Parameters
    ----------
    links_df : pandas.DataFrame
        The register (:func:`dashboard.register.queries.list_links`), demo links included.
    user : User
        The viewer.

    Returns
    -------
    pandas.DataFrame
        The same columns plus ``detail`` (bool). Rows with ``detail`` False are
        active links of other schools, kept only to be counted: their partner
        names, countries, types, mode, meetings, dates, notes, source and
        authors are blank. Proposed and ended links of other schools are gone.

    Examples
    --------
    >>> links = pd.DataFrame({"link_id": [1, 2], "school_urn": [10, 11],
    ...     "partner_urn": [20, 21], "status": ["active", "proposed"], "notes": ["a", "b"],
    ...     "link_types": [["faith"], ["faith"]]})
    >>> visible_links(links, auth.ANONYMOUS)[["link_id", "notes", "detail"]].values.tolist()
    [[1, '', False]]
    """
    access = link_access(user)
    out = links_df.copy()
    if access == REGISTER:
        return out.assign(detail=True)
    own = pd.Series(False, index=out.index)
    if access == OWN and user.school_urn is not None:
        own = (out["school_urn"] == user.school_urn) | (
            out["partner_urn"] == user.school_urn
        ).fillna(False).astype(bool)
    counted = ~own & (out["status"] == "active")
    out = out[own | counted].copy()
    out["detail"] = own[out.index].to_numpy()
    hidden = ~out["detail"]
    for column, value in _BLANK.items():
        if column in out.columns:
            if not isinstance(value, int):  # text and dates: None or "" needs object cells
                out[column] = out[column].astype(object)
            out.loc[hidden, column] = value
    if "link_types" in out.columns:
        pairs = zip(out["link_types"], out["detail"], strict=True)
        out["link_types"] = [list(types) if keep else [] for types, keep in pairs]
    for column in ("created_at", "updated_at"):
        if column in out.columns:
            out[column] = out[column].mask(hidden)
    return out.reset_index(drop=True)


def detailed(links_df: pd.DataFrame) -> pd.DataFrame:
    """Only the links the viewer may read in full (to draw, list or download one by one)."""
    if "detail" not in links_df.columns:
        return links_df
    return links_df[links_df["detail"].astype(bool)]


def counted_only(links_df: pd.DataFrame, urn: int) -> int:
    """How many links of school ``urn`` the viewer may count but not read."""
    if "detail" not in links_df.columns:
        return 0
    hidden = links_df[~links_df["detail"].astype(bool)]
    return int(((hidden["school_urn"] == urn) | (hidden["partner_urn"] == urn).fillna(False)).sum())


def sees_register(user: User) -> bool:
    """Whether ``user`` may read every link (cabinet members and officers)."""
    return link_access(user) == REGISTER
