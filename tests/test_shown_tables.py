"""Spreadsheets of the page's tables read as the page does (found by a cabinet user)."""

import pandas as pd
import streamlit as st

from dashboard.app.shown_tables import as_shown


def test_headings_and_decimals_follow_the_page():
    frame = pd.DataFrame(
        {
            "la_name": ["Worcestershire"],
            "white_british_pct": [81.2652008950287],
            "dissimilarity": [0.343817],
            "key": ["x"],
        }
    )
    shown = as_shown(
        frame,
        {"dissimilarity": st.column_config.NumberColumn("D", format="%.2f"), "key": None},
    )
    assert shown.to_dict("records") == [
        {"Local authority": "Worcestershire", "White British (%)": 81.3, "D": 0.34}
    ]


def test_other_decimals_are_cut_to_three():
    assert as_shown(pd.DataFrame({"odd": [6.325301204819277]}))["odd"].tolist() == [6.325]
