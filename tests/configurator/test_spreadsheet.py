"""Reading uploaded lists: every messy or hostile file is read, or refused with a sentence; never a crash.

The files are made here, not checked in, so each test shows what it feeds in.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from configurator.recipients import MAX_RECIPIENTS
from configurator.spreadsheet import MAX_BYTES, Table, UnreadableUpload, column_letter, read_upload

HEADER = ["First name", "Last name", "E-mail", "City"]


def test_csv_with_bom_and_commas() -> None:
    data = "\ufeffFirst name,Last name,E-mail\r\nJosé,Núñez,j@example.com\r\n".encode()
    table = read_upload("list.csv", data)
    assert table.headers == ("First name", "Last name", "E-mail")
    assert table.rows == (("José", "Núñez", "j@example.com"),)


def test_semicolons_and_latin_1_as_excel_saves_them_in_europe() -> None:
    data = "Vorname;Nachname;Stadt\r\nJürgen;Müller;Köln\r\n;;\r\n".encode("cp1252")
    table = read_upload("liste.csv", data)
    assert table.rows == (("Jürgen", "Müller", "Köln"),)
    assert table.blank_rows == 1


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin_1() -> None:
    table = read_upload("x.csv", b"Name\n\x81\x8d\xe9\n")
    assert table.rows == (("\x81\x8d\xe9",),)


def test_excel_unicode_text_is_utf16_with_tabs() -> None:
    data = "Name\tCity\r\nמרים כהן\tתל אביב\r\n".encode("utf-16")
    assert read_upload("list.txt", data).rows == (("מרים כהן", "תל אביב"),)


def test_excel_sep_hint_line_and_quoted_newlines() -> None:
    data = b'sep=;\r\nName;Street\r\n"Jane";"1 Main St\r\nFlat 2"\r\n'
    assert read_upload("x.csv", data).rows == (("Jane", "1 Main St\r\nFlat 2"),)


def test_missing_and_extra_columns_are_padded() -> None:
    data = b"Name,City\nJane\nSam,Paris,extra,more\n"
    table = read_upload("x.csv", data)
    assert table.headers == ("Name", "City", "Column C", "Column D")
    assert table.rows == (("Jane", "", "", ""), ("Sam", "Paris", "extra", "more"))


def test_formula_cells_stay_text_as_entered() -> None:
    table = read_upload("x.csv", b'Name\n=HYPERLINK("http://evil","x")\n')
    assert table.rows[0][0].startswith("=HYPERLINK")


def test_five_thousand_rows_read_and_one_more_is_refused() -> None:
    body = "".join(f"Person {n},p{n}@example.com\n" for n in range(MAX_RECIPIENTS))
    assert len(read_upload("x.csv", ("Name,E-mail\n" + body).encode()).rows) == MAX_RECIPIENTS
    with pytest.raises(UnreadableUpload, match="more than 5,000 rows"):
        read_upload("x.csv", ("Name,E-mail\n" + body + "One more,x@example.com\n").encode())


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"\n\n \n", "no rows"),
        (os.urandom(0) + bytes(range(256)) * 40, "not a CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel"),
        (b"PK\x03\x04garbage" * 10, "Excel"),
        (b"Name\n" + b"x" * 3000 + b"\n", "2,000"),
        (b"x" * (MAX_BYTES + 1), "MB"),
    ],
)
def test_hostile_files_are_refused_with_a_sentence(data: bytes, says: str) -> None:
    with pytest.raises(UnreadableUpload, match=says):
        read_upload("x.csv", data)


@given(st.binary(max_size=2000))
def test_any_bytes_read_or_are_refused(data: bytes) -> None:
    try:
        table = read_upload("x.csv", data)
    except UnreadableUpload as exc:
        assert str(exc)
    else:
        assert isinstance(table, Table)
        assert all(len(row) == len(table.headers) for row in table.rows)


def _workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_merged_cells_dates_and_numbers() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Company", "Zip", "Needed"])
    sheet.append(["Jane Doe", "Acme", 10001, datetime(2026, 12, 24)])
    sheet.append(["Sam Lee", None, 2000.0, "soon"])
    sheet.merge_cells("B2:B3")
    table = read_upload("list.xlsx", _workbook_bytes(book))
    assert table.rows == (("Jane Doe", "Acme", "10001", "2026-12-24"), ("Sam Lee", "", "2000", "soon"))


def test_xlsx_formulas_read_as_their_cached_values() -> None:
    book = Workbook()
    book.active.append(["Name", "Total"])
    book.active.append(["Jane", "=1+1"])
    data = _workbook_bytes(book)
    # openpyxl writes no cached value; put one in as Excel would have.
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>").replace(
                    b"<f>1+1</f><v/>", b"<f>1+1</f><v>2</v>"
                )
            target.writestr(item, content)
    assert read_upload("x.xlsx", out.getvalue()).rows == (("Jane", "2"),)


def test_a_broken_xlsx_is_refused() -> None:
    book = Workbook()
    book.active.append(HEADER)
    data = _workbook_bytes(book)
    with pytest.raises(UnreadableUpload):
        read_upload("x.xlsx", data[: len(data) // 2])


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
