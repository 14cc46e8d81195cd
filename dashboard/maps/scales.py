"""Colour scales of the map's measures, link line styles, and the legend text."""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from dashboard import config
from dashboard.config import NO_DATA_COLOUR, PALETTE

# Link lines: colour says the type and the line says the status, so neither depends on
# colour alone. Okabe-Ito colours (safe for colour-blind readers) that stand out from
# the viridis dots; ended links stay faint so they never read as live ones.
LINK_COLOURS: dict[str, str] = {
    "ethnicity": "#d55e00",
    "faith": "#cc79a7",
    "socio-economic": "#e69f00",
    "other": "#000000",
}
LINK_STATUS_STYLES: dict[str, dict[str, object]] = {
    "active": {"dashArray": None, "opacity": 0.9, "weight": 3},
    "proposed": {"dashArray": "8 6", "opacity": 0.9, "weight": 2.5},
    "ended": {"dashArray": "1 5", "opacity": 0.45, "weight": 2},
}
LINK_STATUS_WORDS = {
    "active": "solid line",
    "proposed": "dashed line",
    "ended": "faint dotted line",
}


@dataclass(frozen=True)
class ColourScale:
    """Five classes of one measure, each with a colour and a label."""

    measure: str
    bins: tuple[float, ...]
    colours: tuple[str, ...] = PALETTE

    def colour_for(self, value: float | None) -> str:
        """Colour of the class ``value`` falls in (grey when missing).

        Examples
        --------
        >>> scale = scale_for("white_british_pct")
        >>> scale.colour_for(96), scale.colour_for(5), scale.colour_for(None)
        ('#fde725', '#440154', '#bdbdbd')
        """
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA_COLOUR
        index = sum(value >= edge for edge in self.bins)
        return self.colours[index]

    def labels(self) -> list[str]:
        """Plain labels of the classes, lowest first."""
        unit = " %" if self.measure.endswith("_pct") else ""
        fmt = (lambda v: f"{v:g}{unit}") if unit else (lambda v: f"{v:.1f}")
        edges = list(self.bins)
        labels = [f"under {fmt(edges[0])}"]
        labels += [f"{fmt(lo)} to under {fmt(hi)}" for lo, hi in itertools.pairwise(edges)]
        labels.append(f"{fmt(edges[-1])} or more")
        return labels

    def draw_order(self) -> list[int]:
        """Class indices in the order they are painted: no data, then light to dark.

        The no-data class is ``len(colours)``. Dark classes come last, on top.

        Examples
        --------
        >>> scale_for("white_british_pct").draw_order()
        [5, 4, 3, 2, 1, 0]
        >>> scale_for("fsm_pct").draw_order()
        [5, 0, 1, 2, 3, 4]
        """
        classes = list(range(len(self.colours)))
        dark_low = self.measure in config.DARK_FOR_LOW_VALUES
        return [len(self.colours), *(reversed(classes) if dark_low else classes)]

    def shares(self, values: object) -> list[float]:
        """Percentage of the known values in each class, lowest class first.

        Parameters
        ----------
        values : pandas.Series or sequence of float
            Values of the measure (missing ones are left out).

        Returns
        -------
        list of float

        Examples
        --------
        >>> [round(v) for v in scale_for("white_british_pct").shares([10, 85, 97, None])]
        [33, 0, 33, 0, 33]
        """
        known = [v for v in values if v is not None and not math.isnan(v)]
        counts = [0] * len(self.colours)
        for value in known:
            counts[sum(value >= edge for edge in self.bins)] += 1
        return [100 * c / len(known) if known else 0.0 for c in counts]


def scale_for(measure: str) -> ColourScale:
    """The colour scale used for ``measure`` (one of :data:`config.MEASURES`).

    Parameters
    ----------
    measure : str
        Column name, e.g. ``"white_british_pct"``.

    Returns
    -------
    ColourScale

    Raises
    ------
    ValueError
        If the measure is unknown.
    """
    if measure not in config.MEASURE_BINS:
        raise ValueError(
            f"unknown measure {measure!r}; choose one of {sorted(config.MEASURE_BINS)}"
        )
    colours = PALETTE[::-1] if measure in config.DARK_FOR_LOW_VALUES else PALETTE
    return ColourScale(measure, config.MEASURE_BINS[measure], colours)


# What the White British classes mean, in the words the atlas uses elsewhere.
CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "white_british_pct": (
        "diverse",
        "mixed",
        "predominantly white",
        "very white",
        "almost all White British",
    ),
}


def _swatch(colour: str) -> str:
    return f'<span class="swatch" style="background:{colour}"></span>'


def _line(colour: str, dash: object, opacity: object, weight: object) -> str:
    pattern = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        '<svg width="34" height="10" aria-hidden="true"><line x1="0" y1="5" x2="34" y2="5" '
        f'stroke="{colour}" stroke-opacity="{opacity}" stroke-width="{weight}"{pattern}/></svg>'
    )


def legend_html(
    measure: str,
    *,
    threshold_pct: float = config.PREDOMINANTLY_WHITE_PCT,
    shares: list[float] | None = None,
    link_types: Mapping[str, int] | None = None,
    link_statuses: Mapping[str, int] | None = None,
    show_links: bool = False,
    links_are_demo: bool = False,
) -> str:
    """Legend text, shown beside the map: the measure, its classes, LA outlines and links.

    Parameters
    ----------
    measure : str
        Key of :data:`config.MEASURES`.
    threshold_pct : float
        The "predominantly white" threshold shown in the legend.
    shares : list of float or None
        Percentage of England's schools in each class (from :meth:`ColourScale.shares`).
    link_types, link_statuses : mapping of str to int, or None
        How many drawn links have each main type and status (only those are listed).
    show_links : bool
        List every link type and status (when the counts are not given).
    links_are_demo : bool
        Say that the drawn links are illustrative.

    Returns
    -------
    str
        Safe HTML (all text is escaped).

    Examples
    --------
    >>> "White British pupils" in legend_html("white_british_pct")
    True
    """
    label, unit, higher = config.MEASURES[measure]
    scale = scale_for(measure)
    names = CLASS_NAMES.get(measure, ("",) * len(scale.colours))
    rows = [
        f'<div class="atlas-key-part"><h4>{html.escape(label)}</h4>',
        f"<small>{html.escape(unit)}; higher = {html.escape(higher)}. "
        f"School census, {html.escape(config.CENSUS_DATE)}.</small><ul>",
    ]
    for k, (colour, text) in enumerate(zip(scale.colours, scale.labels(), strict=True)):
        name = f" — {names[k]}" if names[k] else ""
        share = f" ({shares[k]:.0f} % of schools)" if shares else ""
        rows.append(f"<li>{_swatch(colour)}{html.escape(text + name + share)}</li>")
    rows.append(f"<li>{_swatch(NO_DATA_COLOUR)}no data</li></ul>")
    rows.append(
        "<small>Darker dots are drawn on top, so the rarer, more diverse schools are not "
        "hidden under their neighbours.</small>"
    )
    if measure in CLASS_NAMES:
        rows.append(
            f"<small>Half of England's schools are at least {config.PREDOMINANTLY_WHITE_PCT:g} "
            "% White British, so the top half is split in three at the atlas's own "
            f"thresholds ({config.VERY_WHITE_SCHOOL_PCT:g} and "
            f"{config.ALMOST_ALL_WHITE_PCT:g} %).</small>"
        )
    rows.append("</div>")
    rows.append(
        '<div class="atlas-key-part"><span class="swatch" '
        'style="background:#fff;border:2px dashed #000"></span>'
        f"Dashed outline: predominantly white LA, at least {threshold_pct:g} % of its "
        "pupils White British. LA shading is for all its pupils.</div>"
    )
    if show_links or link_types or link_statuses:
        types = [t for t in LINK_COLOURS if link_types is None or link_types.get(t)]
        statuses = [s for s in LINK_STATUS_STYLES if link_statuses is None or link_statuses.get(s)]
        rows.append('<div class="atlas-key-part"><h4>Links</h4><ul>')
        for link_type in types:
            active = LINK_STATUS_STYLES["active"]
            rows.append(
                f"<li>{_line(LINK_COLOURS[link_type], None, 1, active['weight'])}"
                f"{html.escape(link_type)} link</li>"
            )
        for status in statuses:
            style = LINK_STATUS_STYLES[status]
            rows.append(
                f"<li>{_line('#333', style['dashArray'], style['opacity'], style['weight'])}"
                f"{html.escape(status)} ({LINK_STATUS_WORDS[status]})</li>"
            )
        rows.append("</ul>")
        if links_are_demo:
            rows.append("<b>Links shown are illustrative demo data, not real links.</b>")
        rows.append("</div>")
    return (
        '<div class="atlas-key" role="region" aria-label="Map legend">' + "".join(rows) + "</div>"
    )


def link_style(feature: dict) -> dict:
    """Style of one link line: colour by its main type, line pattern by its status.

    Examples
    --------
    >>> link_style({"properties": {"type": "faith", "status": "proposed"}})["dashArray"]
    '8 6'
    """
    props = feature["properties"]
    colour = LINK_COLOURS.get(props.get("type", "other"), LINK_COLOURS["other"])
    status = LINK_STATUS_STYLES.get(props.get("status", "active"), LINK_STATUS_STYLES["active"])
    return {"color": colour, **status}
