"""Every CSV the service writes is safe to open in a spreadsheet: hostile cells are neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proofs.csv_export import TRIGGERS, csv_bytes, safe_cell
from tests.test_boundaries import imported_roots

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=cmd|' /C calc'!A0",
    "  =1+1",
    "＝1+1",
    "=cmd|' /C calc'!A0",
]


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with its byte-order mark
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(cell):
    [_header, row] = read(csv_bytes(["value"], [[cell]]))
    assert row == ["'" + cell]


def test_ordinary_cells_numbers_and_dates_are_written_as_they_are():
    rows = [
        ["Sam Rivera", Decimal("-12.50"), -3, date(2026, 3, 2), None, 'a, "quoted"\nline', "שלום", "1-800"]
    ]
    [_header, row] = read(csv_bytes(["a", "b", "c", "d", "e", "f", "g", "h"], rows))
    assert row == ["Sam Rivera", "-12.50", "-3", "2026-03-02", "", 'a, "quoted"\nline', "שלום", "1-800"]


def test_a_hostile_header_is_neutralised_too():
    assert read(csv_bytes(["=evil()"], []))[0] == ["'=evil()"]


@given(st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=5), max_size=10))
def test_no_cell_read_back_can_start_a_formula(rows):
    width = max((len(r) for r in rows), default=1)
    for row in read(csv_bytes(["x"] * width, rows))[1:]:
        for cell in row:
            assert not cell.lstrip(" ").startswith(TRIGGERS)


@given(st.text(max_size=30))
def test_a_neutralised_cell_keeps_everything_it_said(text):
    cell = safe_cell(text)
    assert cell in (text, "'" + text)


def test_no_other_module_writes_csv_on_its_own():
    """One writer: a new export that imported ``csv`` itself would skip the neutralising."""
    modules = [p for top in ("app", "configurator", "proofs", "bench") for p in (ROOT / top).rglob("*.py")]
    users = {str(p.relative_to(ROOT)): p for p in modules if "csv" in imported_roots(p)}
    # The upload reader only reads (a buyer's list); it must never grow a writer.
    assert set(users) == {"proofs/csv_export.py", "configurator/spreadsheet.py"}
    assert "writer" not in users["configurator/spreadsheet.py"].read_text(encoding="utf-8").replace(
        "writes", ""
    )
