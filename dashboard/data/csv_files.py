"""Read official CSV files as text: encodings, gzip, DfE's missing-value codes, plain errors."""

from __future__ import annotations

import gzip
import io
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd


class DataImportError(ValueError):
    """An official input file cannot be used; the message says why in plain words."""


# DfE's codes for values that are not applicable, suppressed or unavailable.
DFE_CODE_MEANINGS = {
    "z": "not applicable",
    "c": "confidential, suppressed",
    "x": "not available",
    "u": "low reliability",
    "low": "fewer than 0.5",
    ":": "not available",
    "..": "not available",
}
DFE_MISSING_CODES = frozenset(DFE_CODE_MEANINGS)


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


def rows_text(rows: Iterable[int], limit: int = 20) -> str:
    """Row numbers as short ranges ("5-7, 12"), cut after ``limit`` ranges.

    Examples
    --------
    >>> rows_text([5, 6, 7, 12])
    '5-7, 12'
    """
    ranges: list[list[int]] = []
    for row in sorted(int(r) for r in rows):
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1][1] = row
        else:
            ranges.append([row, row])
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges]
    if len(parts) > limit:
        rest = sum(b - a + 1 for a, b in ranges[limit:])
        return ", ".join(parts[:limit]) + f" and {rest:,} more"
    return ", ".join(parts)


class FileProblems:
    """Every problem found in one input file, so they are all reported in one run.

    Examples
    --------
    >>> problems = FileProblems(Path("census.csv"))
    >>> problems.add("row 5: headcount -3 is negative")
    >>> problems.add("row 9: headcount -1 is negative")
    >>> print(problems.message())
    census.csv: 2 problems, the build stopped:
    * row 5: headcount -3 is negative
    * row 9: headcount -1 is negative
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, message: str) -> None:
        """Record one problem (a sentence naming the row or column and what is wrong)."""
        self.items.append(message)

    def message(self, shown: int = 50) -> str:
        """All problems as one message (the first ``shown`` in full)."""
        if len(self.items) == 1:
            return f"{self.path}: {self.items[0]}"
        lines = [f"* {item}" for item in self.items[:shown]]
        if len(self.items) > shown:
            lines.append(f"* and {len(self.items) - shown:,} more problems")
        header = f"{self.path}: {len(self.items)} problems, the build stopped:"
        return "\n".join([header, *lines])

    def raise_if_any(self) -> None:
        """Raise :class:`DataImportError` naming every problem, if there is one."""
        if self.items:
            raise DataImportError(self.message())


def to_number(
    series: pd.Series,
    path: Path,
    column: str,
    *,
    allow_codes: bool = True,
    problems: FileProblems | None = None,
    codes: Counter[tuple[str, str]] | None = None,
) -> pd.Series:
    """Convert text to numbers; DfE's codes (z, c, x ...) become missing, never zero.

    Parameters
    ----------
    series : pandas.Series
        Text cells (missing where empty).
    path : Path
        The file, for messages.
    column : str
        Its official heading, for messages.
    allow_codes : bool
        Whether DfE's codes are allowed in this column.
    problems : FileProblems or None
        Where to record cells that are not numbers; without it the first raises.
    codes : Counter or None
        Counts of DfE codes read as missing values, by (code, column), for
        :func:`codes_warning`.

    Returns
    -------
    pandas.Series
        float64, NaN for codes and empty cells.
    """
    text = series.str.strip()
    is_code = text.str.lower().isin(DFE_MISSING_CODES)
    if not allow_codes:
        is_code[:] = False
    numbers = pd.to_numeric(text.where(~is_code), errors="coerce")
    bad = numbers.isna() & text.notna() & ~is_code
    if bad.any():
        where = np.flatnonzero(bad.to_numpy())
        values = ", ".join(f"'{text.iloc[i]}'" for i in where[:5])
        message = (
            f"column '{column}', row {rows_text(where + 2)}: {values} "
            f"{'is not a number' if len(where) == 1 else 'are not numbers'} "
            "(expected a number or a DfE code such as z, c or x)."
        )
        if problems is None:
            raise DataImportError(f"{path}: {message}")
        problems.add(message)
    if codes is not None and is_code.any():
        for code, count in text[is_code].str.lower().value_counts().items():
            codes[(str(code), column)] += int(count)
    return numbers.astype("float64")


def codes_warning(path: Path, codes: Counter[tuple[str, str]]) -> list[str]:
    """One warning naming the DfE codes a file used, how often and in how many columns.

    Examples
    --------
    >>> print(codes_warning(Path("census.csv"), Counter({("z", "a"): 3, ("z", "b"): 2}))[0])
    census.csv: DfE codes read as missing (not zero): 'z' (not applicable) in 5 cells, 2 columns.
    """
    if not codes:
        return []
    by_code: dict[str, list[int]] = {}
    for (code, _column), count in codes.items():
        by_code.setdefault(code, []).append(count)
    named = "; ".join(
        f"'{code}' ({DFE_CODE_MEANINGS[code]}) in {sum(counts):,} cells, {len(counts)} columns"
        for code, counts in sorted(by_code.items())
    )
    return [f"{path.name}: DfE codes read as missing (not zero): {named}."]
