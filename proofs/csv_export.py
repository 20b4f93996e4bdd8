"""The one way this service writes CSV: every cell safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and
some read a leading tab or carriage return the same way), so a name like ``=HYPERLINK(…)``
typed by anyone would run on the buyer's or staff's machine. Such a text cell is written with
a single quote in front, which spreadsheets show as text and people read as the value.
Numbers given as numbers (``int``, ``Decimal``) are not text and are written as they are, so a
negative amount stays a number.

``tests/proofs/test_csv_export.py`` checks that no other module of the project imports ``csv``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
"""First characters a spreadsheet may read as the start of a formula (full-width forms too)."""

Cell = str | int | Decimal | date | datetime | None


def safe_cell(value: Cell) -> str:
    """One cell as text a spreadsheet shows and never runs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text.lstrip(" ").startswith(TRIGGERS):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A CSV file: UTF-8 with a byte-order mark (so Excel reads accents and scripts right),
    comma-separated, every field quoted as needed, every cell through :func:`safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
