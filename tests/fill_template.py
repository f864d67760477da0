"""Fills a blank template the way a coordinator would in a spreadsheet application: opens the
workbook made by `spro template`, types the values of a fixture description (sheet by sheet,
column by header) and saves it. Used by tests/template.rs.

usage: python3 fill_template.py TEMPLATE.xlsx DESCRIPTION.json OUT.xlsx
"""
import datetime
import json
import sys

import openpyxl


def value(cell):
    if isinstance(cell, dict) and "date" in cell:
        return datetime.datetime.strptime(cell["date"], "%Y-%m-%d")
    if isinstance(cell, dict):
        return cell.get("resultat")
    return cell


def main(template, source, out):
    wb = openpyxl.load_workbook(template)
    description = json.load(open(source, encoding="utf-8"))
    for name, rows in description["sheets"].items():
        ws = wb[name]
        rows = [r for r in rows if any(c is not None for c in r)]
        if name == "Identification":
            labels = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
            for label, val in (r[:2] for r in rows[1:] if len(r) >= 2):
                if label in labels and val is not None:
                    ws.cell(row=labels[label], column=2).value = value(val)
            continue
        headers = [ws.cell(row=1, column=c).value for c in range(1, ws.max_column + 1)]
        source_headers = rows[0]
        for i, row in enumerate(rows[1:], start=2):
            for header, val in zip(source_headers, row):
                if val is None or header not in headers:
                    continue
                cell = ws.cell(row=i, column=headers.index(header) + 1)
                cell.value = value(val)
                if isinstance(cell.value, datetime.datetime):
                    cell.number_format = "DD/MM/YYYY"
    wb.save(out)


if __name__ == "__main__":
    main(*sys.argv[1:4])
