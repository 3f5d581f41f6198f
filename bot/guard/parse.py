"""A response read into a typed GuardDraft: units at the [n] markers, statements, cited passages.

A unit ends with a group of markers ([1], [1][2] or [1, 2]). A unit that reproduces sentences of
its cited passage verbatim is one statement (the answerer's list rendering "intro: item; item."
and its lead-in "What they do say: "); any other unit is split into sentences, and a sentence
before the markers counts as cited only if it quotes the cited passage verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import AnswerUnit, GuardContext, GuardDraft, GuardStatement
from bot.models import BotResponse, Citation
from corpus.models import Passage
from corpus.text import split_sentences

# A marker follows a space or punctuation: "therapies[0].weeks" (a field name) is not one.
_MARKERS = re.compile(r"(?:\s*(?<![\w\]])\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\]|(?<=\])\[\d{1,3}\])+")
_WORD = re.compile(r"\w")
NOTE_PREFIX = "Note: the sources do not "
_NOTE = re.compile(re.escape(NOTE_PREFIX) + r".*?\.(?:\s+|$)")


def strip_notes(answer: str) -> str:
    """The answer without guard premise notes (they are rebuilt on every review)."""
    answer = answer.lstrip()
    while answer.startswith(NOTE_PREFIX):
        m = _NOTE.match(answer)
        answer = "" if m is None else answer[m.end() :]
    return answer


def short(text: str, limit: int = 60) -> str:
    """A statement as quoted in a check's detail."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_draft(response: BotResponse, question: str, knowledge: GuardKnowledge,
               context: GuardContext | None = None) -> GuardDraft:
    citations, problems = _numbered(response.citations)
    valid: dict[int, Passage] = {}
    mismatched: list[int] = []
    for n, c in citations.items():
        if not knowledge.corpus.has_passage(c.passage_id):
            problems.append(f"[{n}] names passage {c.passage_id!r}, which is not in the corpus")
            continue
        valid[n] = knowledge.corpus.passage(c.passage_id)
        if not knowledge.citation_matches(c, valid[n]):
            mismatched.append(n)
    answer = strip_notes(response.answer)
    units = _units(answer)
    units, statements = _statements(units, valid, knowledge)
    return GuardDraft(
        response=response, question=question, context=context or GuardContext(), units=tuple(units),
        statements=tuple(statements), valid=valid, citation_problems=tuple(problems), mismatched=tuple(mismatched),
        has_note=answer != response.answer.lstrip(),
    )


def _numbered(citations: list[Citation]) -> tuple[dict[int, Citation], list[str]]:
    by_number: dict[int, Citation] = {}
    problems = []
    for c in citations:
        if c.n in by_number:
            problems.append(f"citation number [{c.n}] used twice")
        else:
            by_number[c.n] = c
    return by_number, problems


def _units(answer: str) -> list[AnswerUnit]:
    units = []
    pos = 0
    for m in _MARKERS.finditer(answer):
        markers = tuple(dict.fromkeys(int(x) for x in re.findall(r"\d+", m.group(0))))
        units.append(_unit(answer[pos : m.start()], markers))
        pos = m.end()
    if answer[pos:].strip():
        units.append(_unit(answer[pos:], ()))
    return units


def _unit(raw: str, markers: tuple[int, ...]) -> AnswerUnit:
    return AnswerUnit(prefix=raw[: len(raw) - len(raw.lstrip())], text=raw.strip(), markers=markers)


def _statements(units: list[AnswerUnit], valid: Mapping[int, Passage],
                knowledge: GuardKnowledge) -> tuple[list[AnswerUnit], list[GuardStatement]]:
    statements: list[GuardStatement] = []
    out_units = []
    for u, unit in enumerate(units):
        own = _unit_statements(u, unit, valid, knowledge, len(statements)) if _WORD.search(unit.text) else []
        statements.extend(own)
        out_units.append(unit.model_copy(update={"statements": tuple(s.index for s in own)}) if own else unit)
    return out_units, statements


def _unit_statements(u: int, unit: AnswerUnit, valid: Mapping[int, Passage], knowledge: GuardKnowledge,
                     first_index: int) -> list[GuardStatement]:
    passages = tuple({valid[n].id: valid[n] for n in unit.markers if n in valid}.values())
    whole = {p.id: q for p in passages if (q := knowledge.reproduces(unit.text, p))}
    pieces = [unit.text] if whole or not unit.markers else split_sentences(unit.text)
    out = []
    for i, piece in enumerate(pieces):
        inherited = i < len(pieces) - 1
        quoted = whole or {p.id: q for p in passages if (q := knowledge.reproduces(piece, p))}
        cited_by = tuple(p for p in passages if p.id in quoted) if inherited else passages
        out.append(GuardStatement(index=first_index + i, unit=u, text=piece, markers=unit.markers,
                                  inherited=inherited, passages=cited_by, quoted=quoted))
    return out
