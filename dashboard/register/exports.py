"""Safe CSV and Excel downloads: formulas in text cells neutralised, times in UK local time."""

from __future__ import annotations

import io

import pandas as pd

from dashboard import config

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


def local_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Times with a zone as UK local time without one, the zone named in the column heading.

    Spreadsheets cannot hold a time zone (openpyxl refuses such cells), and people
    read the register in UK time, so ``updated_at`` becomes
    ``updated_at (Europe/London)``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.

    Returns
    -------
    pandas.DataFrame
        A copy.

    Examples
    --------
    >>> frame = pd.DataFrame({"at": pd.to_datetime(["2026-07-01 12:00"], utc=True)})
    >>> local_times(frame).to_dict("records")
    [{'at (Europe/London)': Timestamp('2026-07-01 13:00:00')}]
    """
    out = frame.copy()
    renamed = {}
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[column] = series.dt.tz_convert(config.LOCAL_TIME_ZONE).dt.tz_localize(None)
            renamed[column] = f"{column} ({config.LOCAL_TIME_ZONE})"
    return out.rename(columns=renamed)


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
    return neutralise_formulas(local_times(frame)).to_csv(index=False).encode("utf-8-sig")


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
            sheet = neutralise_formulas(local_times(frame))
            sheet.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()
