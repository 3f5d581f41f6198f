"""Broad questions: "why treat anemia?", "how should therapy be sequenced?" are answered by several passages.

A question the lexicon's `broad_cues` mark (why, how should, sequence, compare, what the evidence is) quotes
the sentences close to its best at a lower ratio (`AnswerTuning.broad_select_ratio`), and each of its topic
terms that no quoted sentence carries gets the best sentence that does (above `fill_ratio` of the best score):
an aspect the first passage leaves out is not dropped for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.qa.selection import ScoredSentence
from corpus.lexicon import Lexicon
from corpus.lexicon_entries import whole_words
from corpus.text import extract_figures


def broad_cue(lexicon: Lexicon) -> re.Pattern[str] | None:
    return whole_words(lexicon.broad_cues) if lexicon.broad_cues else None


def payer_cue(lexicon: Lexicon) -> re.Pattern[str] | None:
    """Prior-authorization language (`approval_cues`): what a payer accepts is several pieces of evidence (status,
    criteria, documentation), so such a question is quoted as widely as a broad one."""
    return whole_words(lexicon.approval_cues) if lexicon.approval_cues else None


def findings_cue(lexicon: Lexicon) -> re.Pattern[str] | None:
    return whole_words(lexicon.findings_cues) if lexicon.findings_cues else None


def with_findings(chosen: list[ScoredSentence], scored: list[ScoredSentence], floor: float, limit: int) -> list[ScoredSentence]:
    """A question asking for the data: `chosen`, plus each sentence at or above `floor` covering as much of the question
    as the opening that states figures none of them states ("what data link TI with survival?": the survival gap and
    the trial's TI rate, beside the summary that links them), up to `limit` sentences."""
    if not chosen:
        return chosen
    out = list(chosen)
    for item in scored:
        if len(out) >= limit or item.score < floor:
            break
        if item.coverage >= chosen[0].coverage and item not in out and _new_figures(item, out):
            out.append(item)
    return out


def _new_figures(item: ScoredSentence, quoted: list[ScoredSentence]) -> bool:
    stated = [f for c in quoted for f in extract_figures(c.sentence.normalized)]
    figures = extract_figures(item.sentence.normalized)
    return bool(figures) and not any(f.matches(g) for f in figures for g in stated)


def with_trials(question: str, lexicon: Lexicon, covered: frozenset[str]) -> str:
    """An overview request about one drug (`overview_cues`), naming no trial, with the trials of that drug the
    sources name appended: "quick rundown on <drug>?" quotes its pivotal trial's result, not only its place."""
    cue = whole_words(lexicon.overview_cues) if lexicon.overview_cues else None
    mentions = lexicon.mentions(question)
    drugs = {m.id for m in mentions if m.kind == "drug"}
    if cue is None or not cue.search(question) or len(drugs) != 1 or any(m.kind == "trial" for m in mentions):
        return question
    (drug,) = drugs
    trials = [t.label for t in lexicon.trials if t.drug == drug and t.id in covered]  # `covered`: trial ids the sources name
    return f"{question} ({', '.join(trials)})" if trials else question


def fill_uncovered(
    chosen: list[ScoredSentence], scored: list[ScoredSentence], terms: list[str],
    own_terms: Callable[[ScoredSentence], set[str]], floor: float, limit: int, findings: bool = False,
) -> list[ScoredSentence]:
    """`chosen`, plus for each term none of them carries the best-scored sentence (at or above `floor`) that does;
    `findings` (a question on a named drug or trial): each further finding of the best sentence's section too."""
    out = list(chosen)
    covered = set().union(*(own_terms(c) for c in out)) if out else set()
    for term in terms:
        if term in covered or len(out) >= limit:
            continue
        ids = {c.sentence.id for c in out}
        best = next((c for c in scored if c.score >= floor and term in own_terms(c) and c.sentence.id not in ids), None)
        if best is not None:
            out.append(best)
            covered |= own_terms(best)
    return with_section_findings(out, scored, floor, limit) if findings else out


def with_section_findings(chosen: list[ScoredSentence], scored: list[ScoredSentence], floor: float, limit: int) -> list[ScoredSentence]:
    """`chosen`, plus each sentence of the best one's section (at or above `floor`) stating figures none of them states:
    a summary of the evidence gives each finding ("extremely effective", then "time to TD ~66.3 vs 11.6 months")."""
    out = list(chosen)
    section = (out[0].passage.doc_id, out[0].passage.section)
    for item in scored:
        if len(out) >= limit or item.score < floor or (item.passage.doc_id, item.passage.section) != section:
            continue
        if item not in out and _new_figures(item, out):
            out.append(item)
    return out
