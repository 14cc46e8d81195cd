"""A printable one-page PDF briefing for a local authority (reportlab)."""

from __future__ import annotations

import io
from datetime import date, datetime
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dashboard import config
from dashboard.register.tables import register_state

_HEADLINE_LABELS = {
    "schools": "State-funded schools",
    "pupils": f"Pupils ({config.CENSUS_DATE} census)",
    "white_british_pct": "White British pupils",
    "predominantly_white": "Predominantly white schools",
    "white_with_contrasting_link": "… with an active link to a contrasting school",
    "gaps": "… without one (gaps)",
    "active_links": "Active links",
    "links_meeting_twice": f"Active links whose pupils {config.MEETINGS_RULE}",
}


def _format(key: str, value: float) -> str:
    if key == "white_british_pct":
        return "no data" if pd.isna(value) else f"{value:.1f} %"
    return f"{int(value):,}"


def _comparison_chart(comparison_df: pd.DataFrame) -> Drawing:
    """Bars of primary dissimilarity for the LA, its region and England."""
    drawing = Drawing(170 * mm, 42 * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y = 45 * mm, 6 * mm
    chart.width, chart.height = 115 * mm, 30 * mm
    values = [0.0 if pd.isna(v) else float(v) for v in comparison_df["dissimilarity"]]
    chart.data = [values[::-1]]
    chart.categoryAxis.categoryNames = [str(a) for a in comparison_df["area"]][::-1]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 1, 0.2
    chart.bars[0].fillColor = colors.HexColor("#3b528b")
    chart.barLabelFormat = "%.2f"
    chart.barLabels.nudge = 10
    drawing.add(chart)
    drawing.add(
        String(
            0, 38 * mm, "Dissimilarity index, primary schools (0 = even, 1 = separate)", fontSize=9
        )
    )
    return drawing


def build_briefing(
    la_name: str,
    headline: dict[str, float],
    comparison_df: pd.DataFrame,
    gaps_df: pd.DataFrame,
    *,
    register_updated: datetime | None,
    includes_demo: bool = False,
    threshold_pct: float = config.PREDOMINANTLY_WHITE_PCT,
    today: date | None = None,
) -> bytes:
    """Lay out the one-page briefing.

    Parameters
    ----------
    la_name : str
        The local authority.
    headline : dict
        From :func:`dashboard.analysis.summary.headline`.
    comparison_df : pandas.DataFrame
        From :func:`dashboard.analysis.summary.compare_areas`.
    gaps_df : pandas.DataFrame
        From :func:`dashboard.analysis.gaps.find_gaps`; the first ten are listed.
    register_updated : datetime or None
        When the link register last changed (None when it has no links).
    includes_demo : bool
        Whether the figures include illustrative demo links (stated on the page).
    threshold_pct : float
        The "predominantly white" threshold used.
    today : datetime.date or None
        Date printed on the briefing.

    Returns
    -------
    bytes
        The PDF. All text from data is escaped, so names cannot inject markup.
    """
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=12 * mm,
        title=f"School links briefing: {la_name}",
        author="School Links Atlas",
    )
    story = [
        Paragraph(f"School links briefing: {escape(la_name)}", styles["Title"]),
        Paragraph(
            f"Prepared {(today or date.today()):%d %B %Y}. Pupils: DfE school census, "
            f"{config.CENSUS_DATE}. Schools: DfE register, {config.REGISTER_DATE}. Links: the "
            f"council's register {escape(register_state(register_updated))}. “Predominantly "
            f"white” means at least {threshold_pct:g} % of pupils are White British.",
            small,
        ),
    ]
    if includes_demo:
        story.append(
            Paragraph(
                "<b>These figures include illustrative demo links, which are not real.</b>", small
            )
        )
    story.append(Spacer(0, 4 * mm))
    rows = [[label, _format(key, headline[key])] for key, label in _HEADLINE_LABELS.items()]
    table = Table(rows, colWidths=[120 * mm, 40 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                ("FONTNAME", (1, 0), (1, -1), "Helvetica-Bold"),
            ]
        )
    )
    story += [table, Spacer(0, 4 * mm), _comparison_chart(comparison_df), Spacer(0, 3 * mm)]
    story.append(
        Paragraph(
            "Schools with the largest gaps (most White British, no contrasting link)",
            styles["Heading3"],
        )
    )
    top = gaps_df.sort_values("white_british_pct", ascending=False).head(10)
    gap_rows = [["School", "Phase", "White British", "Links now"]]
    gap_rows += [
        [
            Paragraph(escape(str(r.school_name)), small),
            str(r.phase),
            f"{r.white_british_pct:.0f} %",
            Paragraph(escape(str(r.situation)), small),
        ]
        for r in top.itertuples(index=False)
    ]
    gaps_table = Table(gap_rows, colWidths=[72 * mm, 22 * mm, 24 * mm, 60 * mm])
    gaps_table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [gaps_table, Spacer(0, 3 * mm), Paragraph(escape(config.OGL_ATTRIBUTION), small)]
    doc.build(story)
    return buffer.getvalue()
