"""A repaired draft turned back into what the user sees, and the blocked response.

Kept statements are written in their order and renumbered [1]..[k] by first appearance;
citations and conflicts are rebuilt from the corpus; the conflict rail's positions are appended;
then the answer becomes a dose refusal, or gets the premise note.
"""

from __future__ import annotations

from bot.citing import closest_sentence
from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import LEAD_INS, GuardDraft, GuardStatement
from bot.guard.parse import read_draft, strip_notes
from bot.models import BotResponse, Check, Citation, Conflict
from corpus.models import Passage, Sentence


class _Citing:
    """Marker numbers by first appearance, and the sentences each passage is quoted for."""

    def __init__(self, knowledge: GuardKnowledge):
        self.knowledge = knowledge
        self.numbers: dict[str, int] = {}
        self.quotes: dict[str, list[Sentence]] = {}
        self.passages: dict[str, Passage] = {}

    def cite(self, passage: Passage, sentences: list[Sentence]) -> int:
        self.passages[passage.id] = passage
        self.quotes.setdefault(passage.id, []).extend(sentences)
        return self.numbers.setdefault(passage.id, len(self.numbers) + 1)

    def citations(self) -> list[Citation]:
        return [self.knowledge.citation(n, self.passages[pid], self.quotes.get(pid, ())) for pid, n in self.numbers.items()]


def render_answer(draft: GuardDraft, knowledge: GuardKnowledge) -> BotResponse:
    """The response with the rails' structural repairs applied (no note, no refusal yet)."""
    if not (draft.rebuild or draft.additions):
        return draft.response.model_copy(update={"answer": strip_notes(draft.response.answer)})
    citing = _Citing(knowledge)
    parts = _kept_parts(draft, citing)
    for addition in draft.additions:
        for added in addition.positions:
            n = citing.cite(added.passage, [added.sentence])
            parts.append(f"{' ' if parts else ''}{added.sentence.normalized} [{n}]")
    citations = citing.citations()
    update = {"answer": "".join(parts), "citations": citations, "conflicts": _conflicts(draft, citations, knowledge)}
    return draft.response.model_copy(update=update)


def _kept_parts(draft: GuardDraft, citing: _Citing) -> list[str]:
    """Each unit whole when all its statements are kept, else its kept statements one by one."""
    parts: list[str] = []
    kept = {s.index for s in draft.kept}
    for unit in draft.units:
        members = [draft.statements[i] for i in unit.statements if i in kept]
        if not members:
            continue
        whole = len(members) == len(unit.statements)
        for text, group in [(unit.text, members)] if whole else [(s.text, [s]) for s in members]:
            passages = {p.id: p for s in group for p in s.passages}.values()
            markers = "".join(f"[{citing.cite(p, _quoted(group, p))}]" for p in passages)
            prefix = unit.prefix if "\n" in unit.prefix and parts else " " if parts else ""
            parts.append(f"{prefix}{text}{' ' + markers if markers else ''}")
    return parts


def _quoted(group: list[GuardStatement], passage: Passage) -> list[Sentence]:
    """The passage sentences statements quote; for a paraphrase, the closest one."""
    return [x for s in group for x in s.quoted.get(passage.id, (closest_sentence(s.content, passage),))]


def _conflicts(draft: GuardDraft, citations: list[Citation], knowledge: GuardKnowledge) -> list[Conflict]:
    """The draft's conflicts and the added ones, each with the citations of its positions."""
    known = {c.topic: c for c in knowledge.conflicts}
    original = {c.topic: c for c in draft.response.conflicts}
    out = []
    for topic in dict.fromkeys([*original, *(a.topic for a in draft.additions)]):
        if topic in known:
            ids, summary = {p.id for _, p in known[topic].positions}, known[topic].conflict.summary
        else:
            ids, summary = {c.passage_id for c in original[topic].positions}, original[topic].summary
        positions = [c for c in citations if c.passage_id in ids]
        if positions or topic in known:  # a listed conflict (no position quoted) still shows its summary
            out.append(Conflict(topic=topic, positions=positions, summary=summary))
    return out


def settle(draft: GuardDraft, knowledge: GuardKnowledge) -> GuardDraft:
    """The repaired answer read again: final markers, nothing pending but refusal and note."""
    settled = read_draft(render_answer(draft, knowledge), draft.question, knowledge, draft.context)
    return settled.model_copy(update={"dose_refusal": draft.dose_refusal, "note": draft.note,
                                      "subject_refusal": draft.subject_refusal, "subject_note": draft.subject_note,
                                      "removed": draft.removed + len(draft.dropped)})


def finish(draft: GuardDraft, rendered: BotResponse) -> BotResponse:
    """The rendered answer as a refusal (subject, then dose) or with its premise note, and what was removed."""
    if draft.subject_refusal:
        return BotResponse(status="refused", route="refusal", notes=list(rendered.notes),
                           answer=f"I can't answer that from the source documents. {draft.subject_refusal}")
    if draft.dose_refusal:
        head = f"The source documents do not state a dose or schedule for {', '.join(draft.dose_refusal)}."
        rendered = rendered.model_copy(update={"status": "refused", "answer": f"{head} {LEAD_INS[0]}{rendered.answer.strip()}"})
    elif draft.note is not None:
        rendered = rendered.model_copy(update={"answer": f"{draft.note} {rendered.answer}"})
    if draft.subject_note is not None and not draft.dose_refusal:
        rendered = rendered.model_copy(update={"answer": f"{draft.subject_note} {rendered.answer}"})
    removed = draft.removed + len(draft.dropped)
    if removed:
        line = f"The guard removed {removed} statement(s) of the draft that the sources do not support."
        rendered = rendered.model_copy(update={"notes": [*rendered.notes, line]})
    return rendered


def blocked(response: BotResponse, checks: list[Check], why: str) -> BotResponse:
    failed = ", ".join(c.name for c in checks if not c.passed) or "none"
    message = (
        f"The drafted answer was withheld by the guard because {why} (failed checks: {failed}). "
        "Nothing from it is shown. Please rephrase the question or consult the source documents."
    )
    return BotResponse(
        status="refused",
        route=response.route,
        answer=message,
        checks=checks,
        blocked=True,
        notes=list(response.notes),
        missing_facts=list(response.missing_facts),
        extracted_facts=response.extracted_facts,
    )
