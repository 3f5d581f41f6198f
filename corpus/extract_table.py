"""Tables in a PDF page: found in its layout text (pypdf's layout mode keeps each character's column),
put in place of their cells' lines in the page's plain text (which keeps two-column pages in reading
order; layout mode would interleave the columns line by line).

A table is found by its columns: lines whose text falls into separate segments (three or more
spaces apart) at the same columns, with the lines between them (a cell wrapped over lines, a
cell centred in a taller row) aligned to those columns and set off from the body's margin.
Each data row becomes one line that names its cells by their column headings:
"Platelet count: Above 400 x 10^9/L; Dose adjustment: Stop ...". Without that, a PDF table reads
as a run of cell fragments in which no row's figures stay with their condition.
"""

from __future__ import annotations

import re
from collections import Counter

_SEGMENT = re.compile(r"\S+(?: {1,2}\S+)*")
ALIGN = 2  # columns within this many characters are one column


def segments(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in _SEGMENT.finditer(line)]


def with_tables(lines: list[str], layout: str) -> tuple[list[str], set[str]]:
    """(the page's plain lines with each table's run of cell lines replaced by one line per data row; those rows).
    A table whose cells cannot be matched to a run of plain lines is left as the plain text has it."""
    made: set[str] = set()
    for rows in tables(layout):
        cells = _squash("".join(cell for row in rows for cell in row))
        run = _run(lines, cells)
        if run is not None:
            row_lines = [_row_line(rows[0], row) for row in rows[1:]]
            lines = [*lines[: run[0]], *row_lines, *lines[run[1]:]]
            made.update(row_lines)
    return lines, made


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _run(lines: list[str], cells: str) -> tuple[int, int] | None:
    """[start, end) of the lines whose text, together, is the table's cells (each one a piece of them)."""
    for start, line in enumerate(lines):
        if not _squash(line) or not cells.startswith(_squash(line)[:12]):
            continue
        end, covered = start, 0
        while end < len(lines) and _squash(lines[end]) and _squash(lines[end]) in cells and covered < len(cells):
            covered += len(_squash(lines[end]))
            end += 1
        if covered >= 0.9 * len(cells) and covered <= len(cells) + 2:
            return start, end
    return None


def tables(layout: str) -> list[list[list[str]]]:
    """Each table of a page's layout text as rows of cells (the first row: the column headings)."""
    segs = [segments(line) for line in layout.splitlines()]
    indents = Counter(s[0][0] for s in segs if len(s) == 1)
    body = indents.most_common(1)[0][0] if indents else 0
    found = []
    i = 0
    while i < len(segs):
        region = _region(segs, i, body) if len(segs[i]) >= 2 else None
        rows = _rows(segs[region[0]:region[1]]) if region else []
        if region and _is_table(rows, segs[region[0]:region[1]]):
            found.append(rows)
            i = region[1]
        else:
            i += 1
    return found


def _is_table(rows: list[list[str]], segs: list[list[tuple[int, str]]]) -> bool:
    """A heading row and two data rows at least, rows of a few lines: two columns of running text
    (a two-column page) make long 'rows' instead."""
    lines_per_row = sum(1 for line in segs if line) / max(len(rows), 1)
    return len(rows) >= 3 and lines_per_row <= 3


def _region(segs: list[list[tuple[int, str]]], at: int, body: int) -> tuple[int, int]:
    """[start, end) of the table around a multi-segment line: aligned lines and blank lines on either side."""
    cols = {start for start, _ in segs[at]}

    def fits(line: list[tuple[int, str]]) -> bool:
        if len(line) >= 2:
            return any(abs(s - c) <= ALIGN for s, _ in line for c in cols)
        return bool(line) and line[0][0] > body + ALIGN and any(abs(line[0][0] - c) <= ALIGN for c in cols)

    start = at
    while start > 0 and (not segs[start - 1] or fits(segs[start - 1])):
        start -= 1
    end = at + 1
    while end < len(segs) and (not segs[end] or fits(segs[end])):
        cols |= {s for s, _ in segs[end]} if len(segs[end]) >= 2 else set()
        end += 1
    while start < end and not segs[start]:
        start += 1
    while end > start and not segs[end - 1]:
        end -= 1
    return start, end


def _rows(segs: list[list[tuple[int, str]]]) -> list[list[str]]:
    """Cells per row: rows are set apart by blank lines; each segment goes to the column it starts at."""
    cols = sorted({s for line in segs if len(line) >= 2 for s, _ in line})
    merged: list[int] = []
    for c in cols:
        if not merged or c - merged[-1] > ALIGN:
            merged.append(c)
    groups: list[list[list[tuple[int, str]]]] = [[]]
    for line in segs:
        if line:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    rows = []
    for group in (g for g in groups if g):
        cells = [[] for _ in merged]
        for line in group:
            for start, text in line:
                column = max((k for k, c in enumerate(merged) if c <= start + ALIGN), default=0)
                cells[column].append(text)
        rows.append([" ".join(cell) for cell in cells])
    return rows


def _row_line(heading: list[str], row: list[str]) -> str:
    """'- Heading: cell; Heading: cell.' (a cell with no heading stands alone)."""
    parts = [f"{h}: {c}" if h else c for h, c in zip(heading, row) if c]
    return "- " + "; ".join(parts).rstrip(".")
