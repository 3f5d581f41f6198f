"""A web page -> its main text (trafilatura), with page furniture left out and listed.

trafilatura drops navigation, cookie banners, footers and asides by the page's structure.
Pages that put furniture inside the article body (a "Related questions" list in the same
<div>, a consent line in the text) get a second pass by content: the rules below.
"""

from __future__ import annotations

import re

from corpus.extract import MAX_DROPPED_LINES, Extraction, reflow_markdown

# A heading that opens a list of links to other pages: it and the list under it are furniture.
_RELATED_HEADING = re.compile(
    r"^#*\s*(related|similar|recommended|popular|trending|more)\b.{0,30}$|^#*\s*(you (may|might) also|see also|read (more|next)"
    r"|people also ask|further reading on this site)\b",
    re.IGNORECASE,
)
# Lines that are site chrome wherever they appear.
_CHROME_LINE = re.compile(
    r"\b(we use cookies|uses cookies|accept (all )?cookies|cookie (settings|preferences|policy)|manage (your )?preferences"
    r"|all rights reserved|privacy policy\s*\|)|^(skip to (main )?content|share this (page|article)|subscribe to our newsletter)\b"
    r"|^©",
    re.IGNORECASE,
)


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


def drop_furniture_lines(blocks: list[str]) -> tuple[list[str], list[str]]:
    """(blocks kept, blocks dropped): chrome lines, and a related-links heading with the items under it."""
    kept: list[str] = []
    dropped: list[str] = []
    in_related = False
    for block in blocks:
        stripped = block.strip()
        if not stripped:
            continue
        is_item = stripped.startswith("- ") or bool(re.match(r"^\d+\.\s", stripped))
        if _RELATED_HEADING.match(stripped) and len(stripped) < 60:
            in_related = True
        elif in_related and not is_item:
            in_related = False
        if in_related or _CHROME_LINE.search(stripped):
            dropped.append(stripped)
        else:
            kept.append(block)
    return kept, dropped


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
