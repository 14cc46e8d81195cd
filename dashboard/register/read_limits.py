"""Bounds on reading an uploaded file: a time budget, a cap on cells, and a way to stop.

Readers count every row they read with :meth:`ReadWatch.count`. Every
:data:`dashboard.config.IMPORT_CHUNK_ROWS` rows the watch looks at the clock and
calls the caller's ``between_chunks`` hook: the app passes one that updates the
page, which is where Streamlit stops a run whose session has ended or been rerun
(it raises in the script thread at the next page update). So a file that would
take too long, or a tab that has closed, stops the work within one chunk.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from dashboard import config
from dashboard.register.spreadsheet_formats import ImportFileError


@dataclass
class ReadWatch:
    """Counts the rows and cells read from one file and stops reading at its limits.

    Parameters
    ----------
    file_name : str
        For messages.
    between_chunks : callable or None
        Called with the number of rows read so far, between chunks of rows; may raise
        to stop reading (the app's hook lets Streamlit stop an ended session's run).
    budget_s : float or None
        Seconds reading may take before it stops (default
        :data:`dashboard.config.IMPORT_TIME_BUDGET_S`).

    Examples
    --------
    >>> watch = ReadWatch("links.csv")
    >>> watch.count(3)
    >>> (watch.rows, watch.cells)
    (1, 3)
    """

    file_name: str
    between_chunks: Callable[[int], None] | None = None
    budget_s: float | None = None
    rows: int = 0
    cells: int = 0
    started: float = field(init=False)

    def __post_init__(self) -> None:
        if self.budget_s is None:
            self.budget_s = config.IMPORT_TIME_BUDGET_S
        self.started = time.monotonic()

    def count(self, cells: int, line: int | None = None) -> None:
        """Count one row of ``cells`` values (at ``line`` of the file, for messages).

        Raises
        ------
        ImportFileError
            When the file holds more cells than the cap, or reading has taken longer
            than the budget; nothing has been imported then.
        """
        self.rows += 1
        self.cells += cells
        if self.cells > config.IMPORT_MAX_CELLS:
            where = f"line {line:,}" if line is not None else f"row {self.rows:,}"
            raise ImportFileError(
                f"{self.file_name} holds more than {config.IMPORT_MAX_CELLS:,} values by "
                f"{where}, far more than a register of links needs; reading stopped there "
                "and nothing was imported. Remove the columns that are not about links, "
                "or split the file."
            )
        if self.rows % config.IMPORT_CHUNK_ROWS == 0:
            self.check(self.rows)

    def check(self, rows: int) -> None:
        """Between chunks (``rows`` read so far): let the caller stop, keep to the budget."""
        if self.between_chunks is not None:
            self.between_chunks(rows)
        elapsed = time.monotonic() - self.started
        budget = float(self.budget_s or 0)
        if elapsed > budget:
            raise ImportFileError(
                f"Stopped reading {self.file_name} after {rows:,} rows in "
                f"{elapsed:,.1f} seconds; nothing was imported. The server reads a file "
                f"for at most {budget:,.0f} seconds: split it into smaller files."
            )
