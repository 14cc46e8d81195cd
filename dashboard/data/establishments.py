"""Establishments that are not schools in the atlas, and why: closed (with successor), Welsh, ...

The importer of council spreadsheets uses this table to say *why* a URN is
refused ("closed; its successor is URN 149001", "a school in Wales",
"independent, not state-funded") instead of "unknown". It is built from the same
official register and links files as the schools table, and written to
``data/other_establishments.parquet``.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import config
from dashboard.data.official import NOT_STATE_FUNDED_TYPES

COLUMNS = ("urn", "name", "kind", "establishment_type", "successor_urns")
_SCHEMA = pa.schema(
    [
        ("urn", pa.int64()),
        ("name", pa.string()),
        ("kind", pa.string()),
        ("establishment_type", pa.string()),
        ("successor_urns", pa.list_(pa.int64())),
    ]
)
_OVERSEAS_TYPES = frozenset({"British schools overseas", "Offshore schools"})
_GROUP_KINDS = {
    "Welsh schools": "wales",
    "Independent schools": "independent",
    "Colleges": "college",
    "Universities": "university",
}


def establishment_kind(group: object, kind_of_school: object, status: object = "Open") -> str:
    """Why an establishment is not in the atlas, as a key of ``OTHER_ESTABLISHMENT_KINDS``.

    Examples
    --------
    >>> establishment_kind("Special schools", "Other independent special school")
    'independent'
    >>> establishment_kind("Academies", "Academy converter", "Closed")
    'closed'
    """
    if isinstance(status, str) and status != "Open":
        return "closed" if status == "Closed" else "not open"
    if kind_of_school in _OVERSEAS_TYPES:
        return "overseas"
    if kind_of_school == "Non-maintained special school":
        return "non-maintained special"
    if kind_of_school in NOT_STATE_FUNDED_TYPES:
        return "independent"
    return _GROUP_KINDS.get(str(group), "other")


def successors_by_urn(links_df: pd.DataFrame) -> dict[int, set[int]]:
    """Each URN's direct successors, from either direction of the links file.

    Examples
    --------
    >>> links = pd.DataFrame({"urn": [1, 3], "link_urn": [2, 1],
    ...                       "link_type": ["Successor", "Predecessor"]})
    >>> {k: sorted(v) for k, v in successors_by_urn(links).items()}
    {1: [2, 3]}
    """
    successors: dict[int, set[int]] = defaultdict(set)
    for urn, link_urn, link_type in links_df[["urn", "link_urn", "link_type"]].itertuples(
        index=False
    ):
        if link_type.startswith("Successor"):
            successors[int(urn)].add(int(link_urn))
        elif link_type.startswith("Predecessor"):
            successors[int(link_urn)].add(int(urn))
    return dict(successors)


def _open_successors(urn: int, successors: dict[int, set[int]], open_urns: set[int]) -> list[int]:
    """Follow successors until open establishments are reached (or the chain ends)."""
    frontier, seen, reached = set(successors.get(urn, ())), {urn}, []
    for _ in range(config.SUCCESSOR_STEPS):
        reached = sorted(frontier)
        if not frontier or frontier <= open_urns:
            break
        following = set()
        for u in frontier:
            following |= {u} if u in open_urns else successors.get(u, set())
        following -= seen
        seen |= frontier
        if not following:
            break
        frontier = following
    return reached


def build_other_establishments(
    register_df: pd.DataFrame, links_df: pd.DataFrame, atlas_urns: set[int]
) -> pd.DataFrame:
    """Every URN the register or its links know that is not a school in the atlas.

    Parameters
    ----------
    register_df : pandas.DataFrame
        Output of :func:`dashboard.data.official.read_register`.
    links_df : pandas.DataFrame
        Output of :func:`dashboard.data.official.read_register_links`.
    atlas_urns : set of int
        URNs in the schools table.

    Returns
    -------
    pandas.DataFrame
        Sorted by URN: ``urn``, ``name``, ``kind`` (a key of
        ``OTHER_ESTABLISHMENT_KINDS``), ``establishment_type``, and
        ``successor_urns``: the open establishments that replaced a closed one
        (a list; several when a school was split).
    """
    status = register_df["status"] if "status" in register_df.columns else None
    open_mask = status.eq("Open") if status is not None else pd.Series(True, register_df.index)
    names = dict(zip(register_df["urn"], register_df["school_name"], strict=True))
    for link_urn, link_name in links_df.sort_values(["link_urn", "urn"])[
        ["link_urn", "link_name"]
    ].itertuples(index=False):
        names.setdefault(int(link_urn), link_name)
    open_urns = set(register_df.loc[open_mask, "urn"].astype(int))
    successors = successors_by_urn(links_df)
    rows = []
    for record in register_df.itertuples(index=False):
        if record.urn in atlas_urns:
            continue
        kind = establishment_kind(
            record.establishment_type_group,
            record.establishment_type,
            getattr(record, "status", "Open"),
        )
        rows.append((int(record.urn), record.school_name, kind, record.establishment_type))
    in_register = set(register_df["urn"].astype(int))
    linked = (set(links_df["urn"]) | set(links_df["link_urn"])) - in_register - atlas_urns
    # Known only from the links: replaced by another school (closed), or not open yet.
    rows += [
        (int(urn), names.get(int(urn)), "closed" if urn in successors else "not open", None)
        for urn in linked
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS[:4]))
    later = [
        _open_successors(urn, successors, open_urns) if kind in ("closed", "not open") else []
        for urn, kind in zip(frame["urn"], frame["kind"], strict=True)
    ]
    frame["successor_urns"] = later
    return frame.sort_values("urn").reset_index(drop=True)


def write_other_establishments(frame: pd.DataFrame, path: Path) -> None:
    """Write the table as Parquet with a fixed schema (byte-identical for the same input)."""
    table = pa.Table.from_pandas(frame[list(COLUMNS)], schema=_SCHEMA, preserve_index=False)
    pq.write_table(table, path, compression="zstd")
