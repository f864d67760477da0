"""Reads an annotated copy the way another program would (openpyxl) and says what it lost
compared with the original, and which cells it marks. Used by tests/annotate.rs.

usage: python3 compare_copy.py ORIGINAL.xlsx COPY.xlsx
prints JSON: {"lost": [...], "marks": [[sheet, cell, rgb, note], ...], "sheets": [...]}
  lost: every data validation, note, number format, width, frozen pane, value or formula of
        the original that the copy does not have as it was (a note may be followed by ours);
  marks: the cells of the copy filled with one of the three severity colours.
"""
import json
import sys

import openpyxl

COLOURS = {"FFFF9999", "FFFFC266", "FF9CC3E6"}


def validations(ws):
    return sorted(
        (str(dv.sqref), dv.type or "", dv.formula1 or "", dv.allow_blank or False)
        for dv in ws.data_validations.dataValidation
    )


def main(original, copy, marks_only=False):
    lost = []
    marks = []
    b = openpyxl.load_workbook(copy)
    if not marks_only:
        a = openpyxl.load_workbook(original)
        for ws in a.worksheets:
            if ws.title not in b.sheetnames:
                lost.append(f"sheet {ws.title}")
                continue
            wc = b[ws.title]
            if validations(ws) != validations(wc):
                lost.append(f"{ws.title}: validations {validations(ws)} != {validations(wc)}")
            if ws.freeze_panes != wc.freeze_panes:
                lost.append(f"{ws.title}: freeze {ws.freeze_panes} != {wc.freeze_panes}")
            for key, dim in ws.column_dimensions.items():
                if dim.width != wc.column_dimensions[key].width:
                    lost.append(f"{ws.title}!{key}: width {dim.width} != {wc.column_dimensions[key].width}")
            for row in ws.iter_rows():
                for cell in row:
                    other = wc[cell.coordinate]
                    if cell.value != other.value:
                        lost.append(f"{ws.title}!{cell.coordinate}: value {cell.value!r} != {other.value!r}")
                    if cell.number_format != other.number_format:
                        lost.append(f"{ws.title}!{cell.coordinate}: format {cell.number_format} != {other.number_format}")
                    # openpyxl's style proxies compare by identity: compare what they hold.
                    if any(repr(getattr(cell, k)) != repr(getattr(other, k)) for k in ("font", "border", "protection", "alignment")):
                        lost.append(f"{ws.title}!{cell.coordinate}: font, border, alignment or protection")
                    if cell.comment is not None:
                        if other.comment is None or not other.comment.text.startswith(cell.comment.text):
                            lost.append(f"{ws.title}!{cell.coordinate}: note {cell.comment.text!r}")
    for ws in b.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                rgb = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
                if ws.title != "Anomalies" and rgb in COLOURS:
                    note = cell.comment.text if cell.comment else None
                    marks.append([ws.title, cell.coordinate, rgb, note])
    print(json.dumps({"lost": lost[:30], "marks": sorted(marks), "sheets": b.sheetnames}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], len(sys.argv) > 3 and sys.argv[3] == "--marks")
