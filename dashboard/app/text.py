"""Text for Markdown and tables: data shown as typed, percentages and labels for reading."""

from __future__ import annotations

import pandas as pd


def md_escape(text: object) -> str:
    r"""Escape Markdown so data (school names, notes) shows as typed, never as markup.

    Examples
    --------
    >>> print(md_escape("St *Mary*'s [link](javascript:x)"))
    St \*Mary\*'s \[link\]\(javascript:x\)
    """
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>~$" else c for c in value)


def pct(value: object) -> str:
    """Percent for reading, e.g. "91.2 %", or "no data"."""
    return "no data" if value is None or pd.isna(value) else f"{float(value):.1f} %"


def religion_label(value: object) -> str:
    """Religious character for reading: "None" becomes "No religious character"."""
    text = str(value)
    return "No religious character" if text == "None" else text
