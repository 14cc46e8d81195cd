"""Read official CSV files as text: encodings, gzip, DfE's missing-value codes, plain errors."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd


class DataImportError(ValueError):
    """An official input file cannot be used; the message says why in plain words."""


# DfE's codes for values that are not applicable, suppressed or unavailable.
DFE_MISSING_CODES = frozenset({"z", "c", "x", "u", "low", ":", ".."})


def read_csv_file(path: Path, *, what: str) -> pd.DataFrame:
    """Read a CSV (optionally gzipped) as text, trying UTF-8 then Windows-1252.

    Parameters
    ----------
    path : Path
        The file to read.
    what : str
        What the file should be, for messages, e.g. ``"the school register"``.

    Returns
    -------
    pandas.DataFrame
        Every column as text (``str`` dtype); empty cells are missing values.

    Raises
    ------
    DataImportError
        If the file is missing, empty, not text or not a CSV.
    """
    path = Path(path)
    if not path.exists():
        raise DataImportError(f"{path}: file not found (expected {what}).")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise DataImportError(f"{path}: the gzip file is damaged ({exc}).") from exc
    if not raw.strip():
        raise DataImportError(f"{path}: the file is empty (expected {what}).")
    text = _decode(raw, path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise DataImportError(f"{path}: not a readable CSV file ({exc}).") from exc
    # Empty cells are missing; everything else stays as the text in the file.
    return frame.replace("", np.nan)


def _decode(raw: bytes, path: Path) -> str:
    """Decode bytes as UTF-8 (with or without BOM) or DfE's Windows-1252."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataImportError(
            f"{path}: the file is encoded as UTF-16; save it as CSV in UTF-8 or "
            "Windows-1252 (the encoding DfE publishes)."
        )
    if raw[:4] == b"PK\x03\x04":
        raise DataImportError(
            f"{path}: this is an Excel or zip file, not a CSV file; save it as CSV."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DataImportError(
            f"{path}: the text encoding is not UTF-8 or Windows-1252 (byte "
            f"{raw[exc.start]:#04x} at position {exc.start})."
        ) from exc


def require_columns(frame: pd.DataFrame, required: Iterable[str], path: Path, what: str) -> None:
    """Raise if any required column is missing, naming them all."""
    missing = [col for col in required if col not in frame.columns]
    if missing:
        shown = ", ".join(f"'{col}'" for col in missing[:6])
        more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
        raise DataImportError(f"{path}: missing column(s) {shown}{more}; expected {what}.")


def to_number(series: pd.Series, path: Path, column: str, *, allow_codes: bool = True) -> pd.Series:
    """Convert text to numbers; DfE's z/c/x codes become missing, anything else fails."""
    text = series.str.strip()
    is_code = text.str.lower().isin(DFE_MISSING_CODES)
    if not allow_codes:
        is_code[:] = False
    numbers = pd.to_numeric(text.where(~is_code), errors="coerce")
    bad = numbers.isna() & text.notna() & ~is_code
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataImportError(
            f"{path}: column '{column}', row {row + 2}: '{text.iloc[row]}' is not a "
            "number (expected a number or a DfE code such as z, c or x)."
        )
    return numbers.astype("float64")
