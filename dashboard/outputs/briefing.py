"""A printable PDF briefing for a local authority (reportlab), and another LA beside it.

One page for the LA; a second page puts it beside another LA when asked. When
demo links are included, every page carries a watermark.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dashboard import config
from dashboard.analysis.briefs import SIMILAR_RULE, AreaBrief, side_by_side
from dashboard.register.tables import register_state

HEADLINE_LABELS = {
    "schools": "State-funded schools",
    "pupils": f"Pupils ({config.CENSUS_DATE} census)",
    "white_british_pct": "White British pupils",
    "predominantly_white": "Predominantly white schools",
    "white_with_contrasting_link": "… with an active link to a contrasting school",
    "gaps": "… without one (gaps)",
    "gaps_with_proposed_link": "… gaps with a proposed link, not yet active",
    "active_links": "Active links",
    "proposed_links": "Proposed links (not yet active)",
    "links_meeting_twice": f"Active links whose pupils {config.MEETINGS_RULE}",
}
WATERMARK = "ILLUSTRATIVE DEMO LINKS - NOT REAL"
_GRID = [
    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
    ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
]


# What a table shows where a figure does not exist (e.g. England's counts beside two LAs).
NO_FIGURE = "–"


def _format(key: str, value: float) -> str:
    if pd.isna(value):
        return "no data"
    if key == "white_british_pct":
        return f"{value:.1f} %"
    return f"{int(value):,}"


def _number(value: float, key: str) -> str:
    if pd.isna(value):
        return NO_FIGURE
    return f"{value:.2f}" if key == "dissimilarity" else f"{value:.1f}"


def _watermark(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
    """Diagonal grey text across the page, drawn under the content."""
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.18))
    canvas.setFont("Helvetica-Bold", 26)
    canvas.translate(A4[0] / 2, A4[1] / 2)
    canvas.rotate(50)
    for offset in (-75 * mm, 0, 75 * mm):
        canvas.drawCentredString(0, offset, WATERMARK)
    canvas.restoreState()


def _no_watermark(_canvas: Canvas, _doc: SimpleDocTemplate) -> None:
    return None


def _measures_table(brief: AreaBrief, small: object) -> Table:
    rows: list[list] = [["Measure", brief.la_name, "Similar LAs", "England"]]
    for measure, key, here, like, england in brief.measures.itertuples(index=False, name=None):
        rows.append(
            [
                Paragraph(escape(measure), small),
                _number(here, key),
                _number(like, key),
                _number(england, key),
            ]
        )
    # The LA's name is a column heading: wrap it like the rest.
    rows[0][1] = Paragraph(f"<b>{escape(brief.la_name)}</b>", small)
    table = Table(rows, colWidths=[98 * mm, 28 * mm, 26 * mm, 26 * mm])
    table.setStyle(TableStyle(_GRID))
    return table


def _la_page(
    brief: AreaBrief, styles: dict, small: object, *, sources: str, threshold_pct: float
) -> list:
    """The one-page briefing for one LA."""
    band = Table([[Paragraph(sources, styles["census"])]], colWidths=[178 * mm], style=_BAND_STYLE)
    story = [
        Paragraph(f"School links briefing: {escape(brief.la_name)}", styles["Title"]),
        band,
        Spacer(0, 3 * mm),
        Paragraph("What this means", styles["Heading3"]),
        Paragraph(escape(brief.takeaway), styles["takeaway"]),
        Spacer(0, 2 * mm),
    ]
    cells = [
        [Paragraph(escape(label), small), _format(key, brief.headline[key])]
        for key, label in HEADLINE_LABELS.items()
    ]
    # Two label/number pairs a row: the ten numbers take five lines.
    half = (len(cells) + 1) // 2
    rows = [
        left + (cells[half + i] if half + i < len(cells) else ["", ""])
        for i, left in enumerate(cells[:half])
    ]
    headline = Table(rows, colWidths=[66 * mm, 22 * mm, 68 * mm, 22 * mm])
    headline.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                ("FONTNAME", (1, 0), (1, -1), "Helvetica-Bold"),
                ("FONTNAME", (3, 0), (3, -1), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    story += [headline, Spacer(0, 3 * mm), _measures_table(brief, small)]
    story.append(
        Paragraph(
            f"Similar LAs are {escape(SIMILAR_RULE)}: {escape(', '.join(brief.similar))}. "
            f"“Predominantly white” means at least {threshold_pct:g} % of pupils are White "
            "British.",
            small,
        )
    )
    story.append(
        Paragraph(
            "Schools with the largest gaps (most White British, no active contrasting link)",
            styles["Heading4"],
        )
    )
    top = brief.gaps_df.sort_values("white_british_pct", ascending=False).head(10)
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
    gaps_table = Table(gap_rows, colWidths=[76 * mm, 22 * mm, 22 * mm, 58 * mm])
    gaps_table.setStyle(TableStyle([*_GRID, ("ALIGN", (1, 0), (-1, -1), "LEFT")]))
    return [*story, gaps_table]


_BAND_STYLE = TableStyle(
    [
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#e8eef7")),
        ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#3b528b")),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
)


def _side_by_side_page(first: AreaBrief, second: AreaBrief, styles: dict, small: object) -> list:
    """A second page: two LAs in one table, and each one's takeaway."""
    table_df = side_by_side(first, second)
    names = [first.la_name, second.la_name]
    rows = [
        ["", *(Paragraph(f"<b>{escape(n)}</b>", small) for n in names), "England"],
    ]
    for measure, key, kind, *values in table_df.itertuples(index=False, name=None):
        shown = [_plain(v) if kind == "count" else _number(v, key) for v in values]
        rows.append([Paragraph(escape(measure), small), *shown])
    table = Table(rows, colWidths=[94 * mm, 30 * mm, 30 * mm, 24 * mm])
    table.setStyle(TableStyle(_GRID))
    story = [
        Paragraph(
            f"Side by side: {escape(first.la_name)} and {escape(second.la_name)}",
            styles["Title"],
        ),
        Paragraph(
            f"Pupil figures: DfE school census, {config.CENSUS_DATE}. Same definitions as on "
            "page 1.",
            small,
        ),
        Spacer(0, 3 * mm),
        table,
        Spacer(0, 4 * mm),
    ]
    for brief in (first, second):
        story += [
            Paragraph(escape(brief.la_name), styles["Heading4"]),
            Paragraph(escape(brief.takeaway), styles["takeaway"]),
        ]
    return story


def _plain(value: object) -> str:
    return NO_FIGURE if value is None or pd.isna(value) else f"{int(value):,}"


def build_briefing(
    brief: AreaBrief,
    *,
    register_updated: datetime | None,
    compare: AreaBrief | None = None,
    includes_demo: bool = False,
    threshold_pct: float = config.PREDOMINANTLY_WHITE_PCT,
    today: date | None = None,
) -> bytes:
    """Lay out the briefing: one page for the LA, and a side-by-side page when comparing.

    Parameters
    ----------
    brief : AreaBrief
        From :func:`dashboard.analysis.briefs.build_area_brief`.
    register_updated : datetime or None
        When the link register last changed (None when it has no links).
    compare : AreaBrief or None
        A second LA to put beside the first, on a page of its own.
    includes_demo : bool
        Whether the figures include illustrative demo links: then every page
        carries a watermark saying so.
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
    styles.add(styles["BodyText"].clone("census", fontSize=10, leading=13))
    styles.add(styles["BodyText"].clone("takeaway", fontSize=9.5, leading=12.5))
    buffer = io.BytesIO()
    title = f"School links briefing: {brief.la_name}"
    if compare is not None:
        title += f" and {compare.la_name}"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=12 * mm,
        bottomMargin=10 * mm,
        title=title,
        author="School Links Atlas",
    )
    demo = (
        " <b>These figures include illustrative demo links, which are not real.</b>"
        if includes_demo
        else ""
    )
    sources = (
        f"<b>Pupil figures: DfE school census, {config.CENSUS_DATE}</b> — the latest "
        f"school-level figures; they describe pupils then, not today. Schools: DfE register, "
        f"{config.REGISTER_DATE}. Links: the council's register "
        f"{escape(register_state(register_updated))}. Prepared "
        f"{(today or date.today()):%d %B %Y}.{demo}"
    )
    story = _la_page(brief, styles, small, sources=sources, threshold_pct=threshold_pct)
    story += [Spacer(0, 2 * mm), Paragraph(escape(config.OGL_ATTRIBUTION), small)]
    if compare is not None:
        story += [PageBreak(), *_side_by_side_page(brief, compare, styles, small)]
    mark = _watermark if includes_demo else _no_watermark
    doc.build(story, onFirstPage=mark, onLaterPages=mark)
    return buffer.getvalue()
