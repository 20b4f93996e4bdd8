"""A buyer's uploaded list, read into rows of text: CSV in whatever shape spreadsheets save it, or ``.xlsx``.

Pure: plain bytes in, a :class:`Table` out, or :class:`UnreadableUpload` with a sentence for the
buyer. It never crashes on what people upload: byte-order marks, semicolons (Excel in most of
Europe), tabs (Excel's "Unicode text", which is UTF-16), Windows code pages, quoted line breaks,
formula cells, merged cells, binary garbage. Cells stay exactly as entered (a formula is kept as
text and neutralised only when written back out, by ``proofs.csv_export``).

Reads only: every CSV this service *writes* goes through ``proofs/csv_export.py``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from configurator.recipients import MAX_RECIPIENTS

MAX_BYTES = 10 * 1024 * 1024
"""Largest upload: 5,000 full rows are about 1.5 MB as CSV; the rest is room for wide sheets."""
MAX_COLUMNS = 60
MAX_CELL = 2000
"""Longest cell we keep, in characters (the longest field, a message, is 400)."""
DELIMITERS = ",;\t|"
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))


class UnreadableUpload(ValueError):
    """The file cannot be read as a list; ``str()`` says why and what to do, for the upload field."""


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    """Every non-blank row below the headers, as wide as the widest (short rows padded with "")."""
    blank_rows: int = 0
    """Rows with nothing in them, left out."""


def read_upload(filename: str, data: bytes) -> Table:
    """The rows of an uploaded ``.csv`` / ``.txt`` / ``.xlsx`` (told apart by content, not by name)."""
    if not data:
        raise UnreadableUpload("The file is empty.")
    if len(data) > MAX_BYTES:
        raise UnreadableUpload(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; we take up to {MAX_BYTES // 1024 // 1024} MB. "
            "Remove columns you do not need, or split the list."
        )
    if data.startswith(_OLE):
        raise UnreadableUpload("This is an old Excel file (.xls). Save it as .xlsx or CSV and upload that.")
    if data.startswith(_ZIP):
        return _table(_xlsx_rows(data))
    return _table(_csv_rows(_decode(data)))


def _decode(data: bytes) -> str:
    for encoding, bom in _BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            break
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Excel on Windows saves "CSV" in the code page; cp1252 leaves five bytes undefined.
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    text = text.lstrip("\ufeff")
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\t\r\n")
    if "\x00" in text or controls > len(text[:20000]) // 100:
        raise UnreadableUpload(
            "This file is not a CSV or an Excel (.xlsx) file. Export your list as CSV or .xlsx."
        )
    return text


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(DELIMITERS, key=first.count)


def _csv_rows(text: str) -> Iterator[list[str]]:
    if text.startswith("sep=") and "\n" in text:  # Excel's own hint line: "sep=;"
        first, text = text.split("\n", 1)
        delimiter = first[4:5] or ","
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise UnreadableUpload(
            f"We could not read line {reader.line_num} of the CSV ({exc}). Check its quotes, or save it again as CSV."
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # imported here: a CSV upload never pays for it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise UnreadableUpload(
            "We could not open this as an Excel workbook. Save it again as .xlsx or CSV and upload that."
        ) from exc
    except Exception as exc:  # openpyxl raises many kinds on a damaged file; none is the buyer's to read
        raise UnreadableUpload(
            "This Excel file is damaged or not a workbook. Save it as .xlsx or CSV again."
        ) from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise UnreadableUpload("The workbook has no sheet.")
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield [_cell_text(v) for v in values]
    except UnreadableUpload:
        raise
    except Exception as exc:
        raise UnreadableUpload(
            "This Excel file is damaged. Save it as .xlsx or CSV again and upload that."
        ) from exc
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell as the buyer sees it: a date as ``2026-12-24``, a whole number without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(rows: Iterable[list[str]]) -> Table:
    headers: list[str] | None = None
    body: list[list[str]] = []
    blank = 0
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row[:MAX_COLUMNS]]
        while cells and not cells[-1]:  # a sheet read to its last column pads every row
            cells.pop()
        if not any(cells):
            blank += headers is not None
            continue
        too_long = next((i for i, c in enumerate(cells) if len(c) > MAX_CELL), None)
        if too_long is not None:
            raise UnreadableUpload(
                f"Row {number}, column {column_letter(too_long)} has {len(cells[too_long]):,} characters; "
                f"a cell holds up to {MAX_CELL:,}. Is this the right file?"
            )
        if headers is None:
            headers = cells
            continue
        body.append(cells)
        if len(body) > MAX_RECIPIENTS:
            raise UnreadableUpload(
                f"The list has more than {MAX_RECIPIENTS:,} rows; a design takes up to {MAX_RECIPIENTS:,} recipients. "
                "Split it across designs."
            )
    if headers is None:
        raise UnreadableUpload("The file has no rows.")
    width = max([len(headers), *(len(r) for r in body)])
    named = [h or f"Column {column_letter(i)}" for i, h in enumerate(headers + [""] * (width - len(headers)))]
    return Table(tuple(named), tuple(tuple(r + [""] * (width - len(r))) for r in body), blank)


def column_letter(index: int) -> str:
    """A 0-based column as a spreadsheet names it: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
