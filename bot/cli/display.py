"""Plain-text rendering of a response for the terminal (CLI and `mdsbot chat`)."""

from __future__ import annotations

import textwrap

from bot.models import BotResponse, Citation
from bot.records.models import DecisionRecord

STATUS_LABEL = {
    "answered": "",
    "refused": "[not covered by the sources] ",
    "needs_information": "[more information needed] ",
}


def render_text(response: BotResponse) -> str:
    lines: list[str] = []
    if response.blocked:
        lines.append("[blocked by the guard]")
    lines.append(STATUS_LABEL[response.status] + response.answer)
    if response.decision is not None and response.decision.decision_id:
        lines.append(f"decision id: {response.decision.decision_id} (mdsbot decisions show {response.decision.decision_id})")
    for note in response.notes:
        lines.append(f"note: {note}")
    for conflict in response.conflicts:
        lines.append("")
        lines.append(f"!! Sources disagree ({conflict.topic}): {conflict.summary}")
    if response.citations:
        lines.append("")
        lines.append("Sources:")
        lines.extend(render_citation(c) for c in response.citations)
    return "\n".join(lines)


def render_citation(citation: Citation) -> str:
    date = f", {citation.doc_date}" if citation.doc_date else ""
    date = f" ({citation.doc_kind}){date}" if citation.doc_kind else date
    head = f"[{citation.n}] {citation.doc_title}{date} — {citation.section} (chars {citation.start}-{citation.end})"
    quote = textwrap.fill(f'"{citation.quote or citation.text}"', width=100, initial_indent="    ", subsequent_indent="    ")
    return f"{head}\n{quote}"


def render_record(record: DecisionRecord) -> str:
    """A stored decision: who, when, where, then the decision as it was shown."""
    from rules_core import Decision
    from rules_core.render import render_decision

    people = [f"{label}: {value}" for label, value in (
        ("patient ref", record.patient_ref), ("prescriber", record.prescriber), ("reviewer", record.reviewer),
    ) if value]
    head = [
        f"decision {record.id} — {record.recorded_at:%Y-%m-%d %H:%M} UTC, {record.surface}, {record.request_type} request",
        *people,
        f"documents: corpus {record.corpus_hash}",
        "",
    ]
    decision = Decision.model_validate(record.decision_json).model_copy(update={"decision_id": record.id})
    return "\n".join(head) + render_decision(decision)

