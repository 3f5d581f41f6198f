"""What to ask the sources first when a question presupposes something they do not support (issue 12).

"Given imetelstat's hepatotoxicity, how often should we check LFTs?": the sources never say
hepatotoxicity, but they do say what imetelstat's toxicity is, so the answer opens with that
("imetelstat toxicity": the part of the unsupported word the sources use). "Since lusp is first-line
for every TD pt ..., can I ...?": the presupposed clause itself is asked, so the sentence that
contradicts it comes first. The guard's premise rail then puts its note before both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.guard.claims import extract_claims
from bot.guard.effects import EffectPremise, contested_effect
from bot.guard.premises import Premise, class_claim, presupposed_clause, unsupported_event, unsupported_premise
from bot.models import BotResponse
from bot.sources_first import criteria_for
from corpus.vocabulary import words

if TYPE_CHECKING:  # pragma: no cover
    from bot.guard.knowledge import GuardKnowledge
    from bot.qa.answerer import Answerer

MIN_HEAD_CHARS = 5  # "toxicity" in "hepatotoxicity"; shorter tails ("city") name nothing


def known_head(term: str, corpus_words: frozenset[str]) -> str | None:
    """The longest proper ending of the word that the sources use ('hepatotoxicity' -> 'toxicity')."""
    for start in range(1, len(term) - MIN_HEAD_CHARS + 1):
        if term[start:] in corpus_words:
            return term[start:]
    return None


def correction_query(question: str, premise: Premise, corpus_words: frozenset[str]) -> str | None:
    """The question whose answer corrects the premise (None when the premise names no subject)."""
    if not premise.subject:
        return None
    heads = [h for h in (known_head(t, corpus_words) for t in premise.terms) if h]
    if heads:
        return f"{' and '.join(premise.subject)} {' '.join(dict.fromkeys(heads))}"
    clause = presupposed_clause(question).strip()
    return clause or None


def line_queries(question: str, knowledge: GuardKnowledge) -> list[str]:
    """A presupposed line of therapy ("since lusp is first-line for every pt"): the line the sources give each
    drug is asked too, so the correction says what it is, not only what it is not."""
    claims = extract_claims(presupposed_clause(question), knowledge.lexicon)
    drugs = dict.fromkeys(d for c in claims if c.line for d in c.drugs)
    return [f"which line of therapy is {knowledge.lexicon.label(d)} indicated for" for d in drugs]


def premise_first(query: str, response: BotResponse, answerer: Answerer, knowledge: GuardKnowledge) -> BotResponse:
    """The answer to a question presupposing what no source supports: what corrects it first, then the
    answer; refused, what the sources say about its subject ('why was <trial> stopped early?')."""
    event = unsupported_event(query, knowledge.lexicon, knowledge.corpus_words, knowledge.corpus_stems)
    if event is not None:  # nothing of theirs to correct it with: any cause given would be invented
        return no_such_event(event, answerer.coverage)
    claim = class_claim(query, knowledge.lexicon, knowledge.corpus_words)
    if claim is not None:  # "<drug> is just another ESA": what the drug is, as the sources say, comes first
        first = f"{claim.drug} mechanism of action" + (f" compared with {claim.versus}" if claim.versus else "")
        corrected = answerer.answer_each([first, query] if response.status == "answered" else [first])
        if corrected.status == "answered":
            return corrected
    effect = contested_effect(query, knowledge.lexicon, knowledge.corpus)
    if effect is not None:  # "<drug> increases <outcome>": the sentence reporting otherwise (or the outcome) first
        corrected = _effect_first(query, effect, response, answerer, knowledge)
        if corrected.status == "answered":
            return corrected
    cited = frozenset(words(response.answer)) if response.status == "answered" else frozenset()  # refused: cites nothing
    premise = unsupported_premise(query, knowledge.lexicon, knowledge.corpus_words, knowledge.corpus_stems, cited)
    if premise is None or not premise.subject:
        return response
    first = correction_query(query, premise, knowledge.corpus_words)
    if first:
        # The correction opens the whole answer (every aspect and part of it, a payer question's criteria too);
        # a presupposed line of therapy also asks which line the sources give.
        firsts = (first, *line_queries(query, knowledge))
        corrected = (answerer.answer(query, also=criteria_for(query), first=firsts) if response.status == "answered"
                     else answerer.answer_each(list(firsts), fresh=len(firsts) > 1))
        if corrected.status == "answered":
            return corrected
    if response.status == "answered":
        return response
    retry = answerer.answer(f"What do the sources say about {' and '.join(premise.subject)}?")
    return retry if retry.status == "answered" else response


def _effect_first(query: str, effect: EffectPremise, response: BotResponse, answerer: Answerer,
                  knowledge: GuardKnowledge) -> BotResponse:
    """The answer opened by the sentences contradicting a presupposed change (asked by their own words), or, when the
    sources report none, by their best sentence on the drug and the outcome."""
    sentences = knowledge.corpus.sentences
    rows = knowledge.corpus.sentence_rows
    firsts = tuple(sentences[rows[i]].normalized for i in effect.correcting) or (
        f"{' and '.join(effect.claim.subject)} {effect.claim.outcome}",)
    if response.status == "answered":
        return answerer.answer(query, also=criteria_for(query), first=firsts)
    return answerer.answer_each(list(firsts), fresh=len(firsts) > 1)


def no_such_event(event: Premise, coverage: str) -> BotResponse:
    """The refusal of a why-question about an event the sources never mention (a withdrawal, a recall)."""
    said = " or ".join(f"'{t}'" for t in event.terms)
    return BotResponse(
        status="refused", route="refusal",
        answer=f"I can't answer that from the source documents. They do not state that this happened to "
               f"{' and '.join(event.subject)}: they never mention {said}, so they give no reason for it. {coverage}",
    )
