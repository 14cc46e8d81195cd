"""Colour scales of the map's measures, link line styles, and the legend text."""

from __future__ import annotations

import html
import itertools
import math
from dataclasses import dataclass

from dashboard import config
from dashboard.config import NO_DATA_COLOUR, PALETTE

# Link lines: one colour, told apart by dash pattern (not by colour alone).
LINK_COLOUR = "#d7301f"
LINK_DASHES: dict[str, str | None] = {
    "ethnicity": None,
    "faith": "8 6",
    "socio-economic": "2 6",
    "other": "12 4 2 4",
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
        >>> scale.colour_for(91.2), scale.colour_for(5), scale.colour_for(None)
        ('#440154', '#fde725', '#bdbdbd')
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
    return ColourScale(measure, config.MEASURE_BINS[measure])


def legend_html(
    measure: str,
    *,
    threshold_pct: float = config.PREDOMINANTLY_WHITE_PCT,
    show_links: bool = False,
    links_are_demo: bool = False,
) -> str:
    """Legend text: the measure, its unit and date, classes, LA outlines and links.

    Parameters
    ----------
    measure : str
        Key of :data:`config.MEASURES`.
    threshold_pct : float
        The "predominantly white" threshold shown in the legend.
    show_links : bool
        Add the link line styles.
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
    rows = [
        f"<h4>{html.escape(label)}</h4>",
        f"<small>{html.escape(unit)}; higher = {html.escape(higher)}. "
        f"School census, {html.escape(config.CENSUS_DATE)}.</small><br>",
    ]
    for colour, text in zip(scale.colours, scale.labels(), strict=True):
        rows.append(
            f'<span class="swatch" style="background:{colour}"></span>{html.escape(text)}<br>'
        )
    rows.append(f'<span class="swatch" style="background:{NO_DATA_COLOUR}"></span>no data<br>')
    rows.append(
        '<span class="swatch" style="background:#fff;border:2px dashed #000"></span>'
        f"Dashed outline: predominantly white LA, at least {threshold_pct:g} % of its "
        "pupils White British. LA shading is for all its pupils.<br>"
    )
    if show_links:
        for link_type, dash in LINK_DASHES.items():
            pattern = f' stroke-dasharray="{dash}"' if dash else ""
            rows.append(
                f'<svg width="28" height="8" aria-hidden="true"><line x1="0" y1="4" x2="28" y2="4" '
                f'stroke="{LINK_COLOUR}" stroke-width="2.5"{pattern}/></svg>'
                f"{html.escape(link_type)} link<br>"
            )
        if links_are_demo:
            rows.append("<b>Links shown are illustrative demo data, not real links.</b>")
    return "".join(rows)


def link_style(feature: dict) -> dict:
    """Style of one link line: dash pattern by its main type."""
    dash = LINK_DASHES.get(feature["properties"].get("type", "other"))
    return {"color": LINK_COLOUR, "weight": 2.5, "opacity": 0.85, "dashArray": dash}
