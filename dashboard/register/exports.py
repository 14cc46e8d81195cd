"""Safe CSV and Excel downloads: spreadsheet formulas in text cells are neutralised."""

from __future__ import annotations

import io

import pandas as pd

# A cell starting with one of these runs as a formula in Excel, LibreOffice or Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe.

    Numbers are left alone (a negative number is not a formula); only text
    cells change, following the OWASP advice on CSV injection.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.

    Returns
    -------
    pandas.DataFrame
        A copy with risky text cells prefixed by ``'``.

    Examples
    --------
    >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "ok", "-2"], "b": [-1, 2, 3]}))
           a  b
    0  '=1+1 -1
    1     ok  2
    2    '-2  3
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        text = series.astype(object)
        risky = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES))
        out[column] = text.where(~risky, "'" + text.astype(str))
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with BOM, so Excel shows accents correctly) with formulas neutralised.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to export.

    Returns
    -------
    bytes
        The file's content.
    """
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook with one sheet per table, formulas neutralised.

    Parameters
    ----------
    sheets : dict of str to pandas.DataFrame
        Sheet name (at most 31 characters) -> table.

    Returns
    -------
    bytes
        The ``.xlsx`` file's content.
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            neutralise_formulas(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()
