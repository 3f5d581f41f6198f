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
        html, output_format="markdown", include_comments=False, include_tables=True, include_images=False,
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
        if any(parent.tag in _TEXT_BLOCKS for parent in element.iterancestors()):
            continue  # its text is in the enclosing block's
        line = " ".join(element.text_content().split())
        if line and line not in squashed and line not in out:
            out.append(line)
    return out
