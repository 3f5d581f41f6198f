"""HTML for the web app's chat: bot responses (decisions and options: decision_html.py; sources: sources_html.py).

Pure functions of the typed results (no gradio import), so they are cheap to
test. Every piece of source or user text goes through :func:`text` (HTML and
Markdown escaped): the chatbot renders Markdown, and source passages contain
characters such as ``*`` or ``[`` that must stay literal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.models import BotResponse, Citation, Conflict
from bot.report_sections import short_titles
from bot.webapp.decision_html import decision_banner_html, decision_html, decision_id_html
from bot.webapp.escape import text

_MARKER = re.compile(r"\[(\d+)\]")
_MARKDOWN_SIGN = re.compile(r"[!-/:-@\[-`{-~]")  # all ASCII punctuation: CommonMark lets each be escaped

STATUS_BADGE = {
    "refused": ("mds-badge-refused", "⊘ Not covered by the source documents"),
    "needs_information": ("mds-badge-needs", "? More information needed"),
}
BLOCKED_BADGE = ("mds-badge-blocked", "⛔ Withheld by the safety guard")
OUTCOME_WORD = {"repair": "repaired the reply", "block": "blocked the reply"}


# --- chat responses ---------------------------------------------------------------------------


def response_html(response: BotResponse, key: str) -> str:
    """One assistant message. ``key`` makes element ids unique across messages."""
    classes = ["mds-msg", f"mds-status-{response.status}", f"mds-route-{response.route}"]
    if response.blocked:
        classes.append("mds-blocked")
    parts = [f'<div class="{" ".join(classes)}">']
    parts += badges(response)
    decision = response.decision.model_dump(mode="json") if response.decision else None
    if decision and response.status == "answered":
        parts.append(decision_banner_html(decision))
        parts.append(decision_id_html(decision.get("decision_id")))
    parts.append(f'<div class="mds-answer">{answer_with_markers(response.answer, key, response.citations)}</div>')
    if response.missing_facts:
        labels = {m.field: m.label for m in response.decision.missing_facts} if response.decision else {}
        parts.append(missing_facts_html(response.missing_facts, labels))
    parts.append(guard_action_html(response))
    if response.notes:
        parts.append('<ul class="mds-notes">' + "".join(f"<li>ℹ︎ {text(n)}</li>" for n in response.notes) + "</ul>")
    parts += [conflict_html(c, key) for c in response.conflicts]
    if decision:
        parts.append(
            '<details class="mds-decision-details"><summary>Criteria table, missing documentation and warnings'
            f"</summary>{decision_html(decision, compact=True)}</details>"
        )
    if response.extracted_facts:
        parts.append(facts_html(response.extracted_facts))
    if response.citations:
        parts.append(citations_html(response.citations, key))
    if response.checks:
        parts.append(checks_html(response.checks))
    parts.append("</div>")
    return "".join(parts)


def badges(response: BotResponse) -> list[str]:
    out = []
    if response.blocked:
        out.append(_badge(*BLOCKED_BADGE))
    if response.status in STATUS_BADGE:
        out.append(_badge(*STATUS_BADGE[response.status]))
    elif response.route == "rules" and not response.blocked:
        out.append(_badge("mds-badge-rules", "⚖ Medical-necessity check (rules core)"))
    if response.conflicts:
        out.append(_badge("mds-badge-conflict", "⚠ The sources disagree"))
    return out


def _badge(css: str, label: str) -> str:
    return f'<div class="mds-badge {css}">{text(label)}</div>'


def answer_with_markers(answer: str, key: str, citations: Sequence[Citation]) -> str:
    """Escaped answer; each known [n] becomes a link that opens source n below."""
    known = {c.n for c in citations}
    out, cursor = [], 0
    for match in _MARKER.finditer(answer):
        out.append(text(answer[cursor : match.start()]))
        n = int(match.group(1))
        if n in known:
            out.append(citation_marker(key, n))
        else:
            out.append(text(match.group(0)))
        cursor = match.end()
    out.append(text(answer[cursor:]))
    return "".join(out)


def citation_marker(key: str, n: int) -> str:
    return f'<a class="mds-cite-marker" href="#{cite_id(key, n)}" data-cite="{cite_id(key, n)}" title="Show source {n}"><sup>[{n}]</sup></a>'


def cite_id(key: str, n: int) -> str:
    return f"mds-{key}-cite-{n}"


def citations_html(citations: Sequence[Citation], key: str) -> str:
    items = "".join(citation_html(c, key) for c in citations)
    return f'<div class="mds-sources"><div class="mds-sources-title">Sources (click to open the passage)</div>{items}</div>'


def citation_html(c: Citation, key: str, *, open_: bool = False) -> str:
    date = f"stated date {c.doc_date}" if c.doc_date else "no date stated"
    date = f"{c.doc_kind}, {date}" if c.doc_kind else date
    short = short_titles().get(c.doc_id, c.doc_title)
    summary = (
        f'<span class="mds-cite-n">[{c.n}]</span> <span class="mds-cite-title">{text(short)}</span>'
        f' <span class="mds-cite-meta">· {text(c.section)} · {text(date)}</span>'
    )
    quote = highlight(c.text, c.quote or "")
    span = f"passage {c.passage_id}, characters {c.start}–{c.end} of {c.doc_id}"
    if c.quote_start is not None and c.quote_end is not None:
        span += f"; quoted span {c.quote_start}–{c.quote_end}"
    return (
        f'<details class="mds-cite" id="{cite_id(key, c.n)}"{" open" if open_ else ""}>'
        f"<summary>{summary}</summary>"
        f'<div class="mds-cite-doc">{text(c.doc_title)} ({text(date)})</div>'
        f'<blockquote class="mds-passage">{quote}</blockquote>'
        f'<div class="mds-cite-span">{text(span)}</div></details>'
    )


def highlight(passage: str, quote: str) -> str:
    """The passage, escaped, with every piece of the quote wrapped in <mark>."""
    spans = quote_spans(passage, quote)
    out, cursor = [], 0
    for start, end in spans:
        out.append(text(passage[cursor:start]))
        out.append(f"<mark>{text(passage[start:end])}</mark>")
        cursor = end
    out.append(text(passage[cursor:]))
    return "".join(out)


def quote_spans(passage: str, quote: str) -> list[tuple[int, int]]:
    """Where the quote occurs in the passage: whole, or piece by piece (list items, joined sentences)."""
    quote = quote.strip()
    if not quote:
        return []
    at = passage.find(quote)
    if at >= 0:
        return [(at, at + len(quote))]
    words = quote.split()
    spans: list[tuple[int, int]] = []
    i, cursor = 0, 0
    while i < len(words):
        best = None
        for j in range(len(words), i, -1):  # longest run of words found after the cursor
            piece = " ".join(words[i:j])
            at = passage.find(piece, cursor)
            if at >= 0:
                best = (at, at + len(piece), j)
                break
        if best is None or best[2] - i == 1 and len(words[i]) < 4:  # no stray short words
            i += 1
            continue
        spans.append((best[0], best[1]))
        cursor, i = best[1], best[2]
    return spans


def missing_facts_html(missing: Iterable[str], labels: Mapping[str, str] | None = None) -> str:
    """Checklist of what to supply, in words: the decision's label for each field, else the patient model's."""
    from rules_core import FIELD_LABELS

    named = {**FIELD_LABELS, **(labels or {})}

    def words(field: str) -> str:
        label = named.get(field, field)
        return label[:1].upper() + label[1:]

    items = "".join(f"<li>☐ {text(words(m))}</li>" for m in missing)
    return f'<div class="mds-missing"><div class="mds-missing-title">Please provide:</div><ul>{items}</ul></div>'


def conflict_html(conflict: Conflict, key: str) -> str:
    positions = "".join(
        f'<li><a class="mds-cite-marker" href="#{cite_id(key, p.n)}" data-cite="{cite_id(key, p.n)}">[{p.n}]</a> '
        f"<b>{text(p.doc_title)}</b>{text(f' ({p.doc_date})' if p.doc_date else ' (no date stated)')}: "
        f"“{text(p.quote or p.text)}”</li>"
        for p in conflict.positions
    )
    return (
        f'<div class="mds-conflict"><div class="mds-conflict-title">⚠ Sources disagree: {text(conflict.topic)}</div>'
        f"<div>{text(conflict.summary)}</div><ul>{positions}</ul></div>"
    )


def facts_html(facts: Mapping[str, Any]) -> str:
    """The facts read so far, in words ('Serum EPO: 620 U/L'), as the chat's notes state them."""
    from bot.eligibility import describe_facts

    rows = "".join(
        "<tr><td>{}</td><td>{}</td></tr>".format(*(text(part) for part in (line.split(": ", 1) + [""])[:2]))
        for line in describe_facts(dict(facts))
    )
    return (
        '<details class="mds-facts"><summary>Patient facts read from this conversation</summary>'
        f'<table class="mds-table"><tr><th>Fact</th><th>Value</th></tr>{rows}</table></details>'
    )


def guard_action_html(response: BotResponse) -> str:
    """Which rails blocked or repaired the reply, in a small collapsed box beside it ('' when every rail passed):
    the summary names them, the box says what each did and why."""
    failed = [c for c in response.checks if not c.passed]
    if not failed:
        return ""
    blocking = [c.name for c in failed if c.outcome == "block"]
    repairing = [c.name for c in failed if c.outcome != "block"]
    if response.blocked:
        head = f"Blocked by the guard ({', '.join(blocking or [c.name for c in failed])})"
        head += f"; repaired first ({', '.join(repairing)})" if blocking and repairing else ""
    else:
        head = f"Repaired by the guard ({', '.join(repairing or [c.name for c in failed])})"
    rows = "".join(
        f"<li><b>{text(c.name)}</b> {text(OUTCOME_WORD.get(c.outcome or '', 'failed'))}: {text(c.detail)}</li>"
        for c in failed
    )
    return f'<details class="mds-guard-action"><summary>🛡 {text(head)}</summary><ul>{rows}</ul></details>'


def checks_html(checks: Sequence[Any]) -> str:
    passed = sum(1 for c in checks if c.passed)
    rows = "".join(
        f'<li class="{"mds-pass" if c.passed else "mds-fail"}">{"✓" if c.passed else "✗"} '
        f"{text(c.name)}{' (' + OUTCOME_WORD[c.outcome] + ')' if not c.passed and c.outcome in OUTCOME_WORD else ''}"
        f"{': ' + text(c.detail) if c.detail else ''}</li>"
        for c in checks
    )
    return f'<details class="mds-checks"><summary>Guard checks: {passed}/{len(checks)} passed</summary><ul>{rows}</ul></details>'


def user_markdown(message: str) -> str:
    """A user's chat message shown as typed: every ASCII punctuation mark backslash-escaped, so no markdown
    in it becomes an image, a link or HTML (the page never fetches anything from outside)."""
    return _MARKDOWN_SIGN.sub(r"\\\g<0>", message)


def excerpt(message: str, limit: int = 200) -> str:
    """At most ``limit`` characters of a message, on one line."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def error_html(message: str) -> str:
    return f'<div class="mds-error">⚠ {text(message)}</div>'
