"""HTML of the Sources tab: a document's passages (cited text with spans), and how its text was cleaned.

Pure functions (no gradio import). Source text goes through :func:`bot.webapp.escape.text`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from bot.webapp.html import text


def document_html(document: Any, passages: Sequence[Any], *, source: str | None = None) -> str:
    """One document: its metadata and caveats, then every passage with its span in the stored text."""
    info = document.info
    date = info.stated_date_text or info.stated_date or "no date stated in the text"
    origin = f" · added from {text(source)}" if source else ""
    caveats = "".join(f"<li>{text(c)}</li>" for c in info.caveats)
    parts = [
        f'<div class="mds-doc"><h3>{text(info.title)}</h3>',
        f'<div class="mds-doc-meta"><code>{text(info.id)}</code> · {text(info.kind.replace("_", " "))} · '
        f"{text(date)} · {len(passages)} passages{origin}</div>",
    ]
    if caveats:
        parts.append(f'<div class="mds-caveats"><div class="mds-caveats-title">Caveats</div><ul>{caveats}</ul></div>')
    section = None
    for p in passages:
        if p.section != section:
            section = p.section
            parts.append(f'<h4 class="mds-section">{text(section)}</h4>')
        parts.append(passage_html(p, info.cleaning.ocr_repairs))
    parts.append("</div>")
    return "".join(parts)


def cleaning_html(document: Any, dropped: Sequence[Any], extraction: Any = None) -> str:
    """What cleaning changed: OCR repairs applied, furniture dropped (declared blocks, or what reading
    a web page or PDF left out), pages without a text layer."""
    parts = [_repairs_html(document), _dropped_blocks_html(document, dropped)]
    if extraction is not None:
        parts.append(_extraction_html(extraction))
    body = "".join(p for p in parts if p)
    return body or '<div class="mds-doc-meta">Nothing was repaired or dropped: the text is stored as read.</div>'


def _repairs_html(document: Any) -> str:
    repairs = document.info.cleaning.ocr_repairs
    applied = [(r, len(re.findall(r.pattern, document.raw))) for r in repairs]
    applied = [(r, n) for r, n in applied if n]
    if not applied:
        return ""
    rows = "".join(
        f"<tr><td><code>{text(r.pattern)}</code></td><td>{text(r.replacement)}</td><td>{n}</td><td>{text(r.why)}</td></tr>"
        for r, n in applied
    )
    return (
        '<details class="mds-repairs" open><summary>OCR repairs applied to this document '
        f"({len(applied)} kinds)</summary><table class=\"mds-table\"><tr><th>Printed (pattern)</th>"
        f"<th>Read as</th><th>Times</th><th>Why</th></tr>{rows}</table></details>"
    )


def _dropped_blocks_html(document: Any, dropped: Sequence[Any]) -> str:
    if not dropped:
        return ""
    items = "".join(
        f'<details class="mds-dropped-block"><summary>{text(b.name)} (characters {b.start}–{b.end}): {text(b.why)}</summary>'
        f'<pre class="mds-raw">{html.escape(document.raw[b.start:b.end])}</pre></details>'
        for b in dropped
    )
    return (
        f'<div class="mds-dropped"><div class="mds-dropped-title">Dropped page furniture ({len(dropped)} blocks, '
        f"never retrievable or citable)</div>{items}</div>"
    )


def _extraction_html(extraction: Any) -> str:
    """What reading the file left out (an added document's ExtractionReport)."""
    parts = []
    if extraction.dropped_count:
        items = "".join(f"<li>{text(line)}</li>" for line in extraction.dropped)
        more = extraction.dropped_count - len(extraction.dropped)
        tail = f"<li>… and {more} more</li>" if more > 0 else ""
        parts.append(
            f'<div class="mds-dropped"><div class="mds-dropped-title">Dropped page furniture ({extraction.dropped_count} '
            f"lines of the {text(extraction.format.upper())} page, never retrievable or citable)</div><ul>{items}{tail}</ul></div>"
        )
    for warning in extraction.warnings:
        parts.append(f'<div class="mds-caveats">{text(warning)}</div>')
    return "".join(parts)


def passage_html(passage: Any, repairs: Sequence[Any]) -> str:
    fixed = [r for r in repairs if re.search(r.pattern, passage.text)]
    repaired = ""
    if fixed:
        repaired = '<div class="mds-repaired">OCR repaired: ' + "; ".join(
            f"{text(r.replacement)} ({text(r.why)})" for r in fixed
        ) + "</div>"
    return (
        f'<div class="mds-passage-card" id="passage-{text(passage.id)}">'
        f'<div class="mds-passage-head"><code>{text(passage.id)}</code> · {text(passage.kind)} · '
        f"characters {passage.start}–{passage.end}</div>"
        f'<div class="mds-passage-text">{text(passage.normalized)}</div>{repaired}'
        f'<details><summary>As printed in the file</summary><pre class="mds-raw">{html.escape(passage.text)}</pre></details></div>'
    )
