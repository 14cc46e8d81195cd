"""Small maps for one school's partner candidates and for an LA's pairing plan."""

from __future__ import annotations

import html

import folium
import pandas as pd

from dashboard.maps import assets, elements, scales, school_map


def _school_marker(
    target: folium.Map | folium.FeatureGroup,
    lat: float,
    lon: float,
    text: str,
    *,
    colour: str,
    radius: float = 7,
    label: str | None = None,
) -> None:
    """One school as a circle with an escaped tooltip (and an optional number label)."""
    folium.CircleMarker(
        location=(lat, lon),
        radius=radius,
        color="#111",
        weight=1.5,
        fill=True,
        fill_color=colour,
        fill_opacity=0.95,
        tooltip=folium.Tooltip(html.escape(text)),
    ).add_to(target)
    if label is not None:
        folium.Marker(
            location=(lat, lon),
            icon=folium.DivIcon(
                html=f'<div class="atlas-rank">{html.escape(label)}</div>',
                icon_size=(18, 18),
                icon_anchor=(-6, 18),
            ),
        ).add_to(target)


def build_partner_map(
    school: pd.Series,
    candidates_df: pd.DataFrame,
    schools_gdf: pd.DataFrame,
    *,
    static_url: str = assets.COMPONENT_STATIC_URL,
) -> folium.Map:
    """One school (black ring) and its ranked candidates (numbered, coloured by White British %).

    Parameters
    ----------
    school : pandas.Series
        The school looking for partners (row of the schools table).
    candidates_df : pandas.DataFrame
        Ranked candidates with ``urn``, ``school_name``, ``white_british_pct`` and
        ``distance_km``.
    schools_gdf : DataFrame
        The schools table (for coordinates).
    static_url : str
        As for :func:`build_base_map`.

    Returns
    -------
    folium.Map
        Zoomed to the school and its candidates.
    """
    m = school_map.build_base_map(static_url=static_url, height_px=520)
    points = schools_gdf.set_index("urn").geometry
    scale = scales.scale_for("white_british_pct")
    home = points.loc[int(school["urn"])]
    bounds = [[home.y, home.x]]
    for rank, row in enumerate(candidates_df.itertuples(index=False), start=1):
        where = points.loc[int(row.urn)]
        folium.PolyLine(
            [(home.y, home.x), (where.y, where.x)],
            color="#555",
            weight=1.2,
            dash_array="4 4",
            interactive=False,
        ).add_to(m)
        _school_marker(
            m,
            where.y,
            where.x,
            f"{rank}. {row.school_name} — {row.white_british_pct:.0f} % White British, "
            f"{row.distance_km:.0f} km",
            colour=scale.colour_for(row.white_british_pct),
            label=str(rank),
        )
        bounds.append([where.y, where.x])
    _school_marker(
        m, home.y, home.x, f"{school['school_name']} (your school)", colour="#ffffff", radius=10
    )
    elements.fit_bounds(bounds).add_to(m)
    return m


def _partner_tooltip(row: object) -> str:
    """A plan partner's name and the facts each kind of plan turns on (plain text)."""
    text = f"{row.partner_name} — {row.partner_white_british_pct:.0f} % White British"
    religion = getattr(row, "partner_religious_character", None)
    if religion not in (None, "None", "Unknown"):
        text += f", {religion}"
    fsm = getattr(row, "partner_fsm_pct", None)
    if fsm is not None and not pd.isna(fsm):
        text += f", free school meals {fsm:.0f} %"
    if getattr(row, "partner_selective", False):
        text += ", selective (grammar)"
    distance = getattr(row, "distance_km", None)
    return text if distance is None else f"{text}; {distance:.0f} km"


def build_plan_map(
    pairs_df: pd.DataFrame,
    schools_gdf: pd.DataFrame,
    *,
    static_url: str = assets.COMPONENT_STATIC_URL,
) -> folium.Map:
    """A pairing plan: each school (white) joined by a line to its proposed partner.

    Parameters
    ----------
    pairs_df : pandas.DataFrame
        From :func:`dashboard.analysis.pairing.plan_pairings` (``urn``, ``school_name``,
        ``partner_urn``, ``partner_name``, ``partner_white_british_pct``).
    schools_gdf : DataFrame
        The schools table (for coordinates).
    static_url : str
        As for :func:`build_base_map`.

    Returns
    -------
    folium.Map
    """
    m = school_map.build_base_map(static_url=static_url, height_px=560)
    points = schools_gdf.set_index("urn").geometry
    scale = scales.scale_for("white_british_pct")
    bounds = []
    for row in pairs_df.itertuples(index=False):
        a, b = points.loc[int(row.urn)], points.loc[int(row.partner_urn)]
        folium.PolyLine(
            [(a.y, a.x), (b.y, b.x)],
            # Pairs in a plan are proposals: dashed, as proposed links are on the main map.
            color=scales.LINK_COLOURS["ethnicity"],
            weight=2.5,
            dash_array=scales.LINK_STATUS_STYLES["proposed"]["dashArray"],
            tooltip=folium.Tooltip(html.escape(f"{row.school_name} ↔ {row.partner_name}")),
        ).add_to(m)
        _school_marker(
            m, a.y, a.x, f"{row.school_name} (needs a partner)", colour="#ffffff", radius=5
        )
        _school_marker(
            m,
            b.y,
            b.x,
            _partner_tooltip(row),
            colour=scale.colour_for(row.partner_white_british_pct),
            radius=6,
        )
        bounds += [[a.y, a.x], [b.y, b.x]]
    if bounds:
        elements.fit_bounds(bounds).add_to(m)
    return m
