"""A web page -> its main text (trafilatura), with page furniture left out and listed.

trafilatura drops navigation, cookie banners, footers and asides by the page's structure.
Pages that put furniture inside the article body (a "Related questions" list in the same
<div>, a consent line in the text) get a second pass by content: corpus.extract's furniture
rules, the same as for Markdown and plain text.
"""

from __future__ import annotations


from corpus.extract import MAX_DROPPED_LINES, Extraction, drop_furniture_lines, reflow_markdown


def extract_html(html: str) -> Extraction:
    import trafilatura

    main = trafilatura.extract(
        tables_as_lists(html), output_format="markdown", include_comments=False, include_tables=True, include_images=False,
        include_links=False, favor_precision=True, deduplicate=False,
    ) or ""
    kept, dropped_by_rule = drop_furniture_lines(reflow_markdown(main).split("\n\n"))
    text = "\n\n".join(kept) + "\n"
    dropped = list(dict.fromkeys(line.lstrip("#- ") for line in [*_left_out(html, text), *dropped_by_rule]))
    metadata = trafilatura.extract_metadata(html)
    return Extraction(
        format="html",
        text=text,
        title=(metadata.title if metadata else None) or None,
        date=(metadata.date if metadata else None) or None,
        dropped=dropped[:MAX_DROPPED_LINES],
        dropped_count=len(dropped),
    )


def tables_as_lists(html: str) -> str:
    """Each table as a list, one item per data row naming its cells by their headings ('HCPCS code: Q5106;
    Description: ...'; a row headed by its own first cell: 'Policy number: RX-0457'). A table read as
    text runs its rows together, and no row's figures stay with what they are for."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return html
    tables = list(root.iter("table"))
    for table in tables:
        rows = [[(cell.tag, " ".join(cell.text_content().split())) for cell in row.iter("th", "td")] for row in table.iter("tr")]
        heading = [text for _, text in rows[0]] if rows and all(tag == "th" for tag, _ in rows[0]) and len(rows) > 1 else None
        items = lxml.html.fromstring("<ul></ul>")
        for row in rows[1:] if heading else rows:
            item = lxml.etree.SubElement(items, "li")
            item.text = _row_text(heading, row)
        items.tail = table.tail
        table.getparent().replace(table, items)
    return lxml.html.tostring(root, encoding="unicode") if tables else html


def _row_text(heading: list[str] | None, row: list[tuple[str, str]]) -> str:
    if heading:
        parts = [f"{h}: {text}" if h else text for h, (_, text) in zip(heading, row) if text]
    elif len(row) == 2 and row[0][0] == "th":
        parts = [f"{row[0][1]}: {row[1][1]}"]
    else:
        parts = [text for _, text in row if text]
    return "; ".join(parts).rstrip(".")


_TEXT_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "button", "td", "th", "dt", "dd", "blockquote", "figcaption", "label")


def _left_out(html: str, kept: str) -> list[str]:
    """Text blocks of the whole page that the kept text does not contain (what trafilatura dropped)."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    squashed = " ".join(kept.split())
    out: list[str] = []
    for element in root.iter(*_TEXT_BLOCKS):
        if any(parent.tag in _TEXT_BLOCKS for parent in element.iterancestors()) and not _holds_blocks(element.getparent()):
            continue  # its text is in the enclosing block's
        line = " ".join(_own_text(element).split())
        if line and line not in squashed and line not in out:
            out.append(line)
    return out


def _holds_blocks(element) -> bool:
    return element is not None and any(child.tag in _TEXT_BLOCKS for child in element.iterdescendants())


def _own_text(element) -> str:
    """The element's text less that of text blocks nested in it (a list item's sub-list is read on its own)."""
    if not _holds_blocks(element):
        return element.text_content()
    parts = [element.text or ""]
    for child in element:
        if child.tag not in _TEXT_BLOCKS and not _holds_blocks(child):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return " ".join(parts)
