"""Tables as the page shows them, for the spreadsheets a page offers."""

from __future__ import annotations

import re

import pandas as pd

from dashboard.app.widgets import COLUMN_SETTINGS


def as_shown(frame: pd.DataFrame, column_config: dict[str, object] | None = None) -> pd.DataFrame:
    """A table as the page shows it, for a spreadsheet: plain headings, numbers rounded.

    Headings and decimals come from the column settings (the page's, then the shared
    registry); columns the page hides are left out; other decimals are cut to three.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table behind a chart or a grid.
    column_config : dict or None
        The settings the page shows it with.

    Returns
    -------
    pandas.DataFrame
        A copy.
    """
    settings = COLUMN_SETTINGS | (column_config or {})
    out = frame.drop(columns=[c for c in frame.columns if c in settings and settings[c] is None])
    names = {}
    for column in out.columns:
        setting = settings.get(column)
        label = setting if isinstance(setting, str) else (setting or {}).get("label")
        number_format = str(
            ((setting or {}) if isinstance(setting, dict) else {})
            .get("type_config", {})
            .get("format")
            or ""
        )
        if pd.api.types.is_float_dtype(out[column]):
            decimals = re.fullmatch(r"%\.(\d)f", number_format)
            out[column] = out[column].round(int(decimals.group(1)) if decimals else 3)
        if label:
            names[column] = label
    return out.rename(columns=names)
