"""What to ask the sources first when a question presupposes something they do not support (issue 12).

"Given imetelstat's hepatotoxicity, how often should we check LFTs?": the sources never say
hepatotoxicity, but they do say what imetelstat's toxicity is, so the answer opens with that
("imetelstat toxicity": the part of the unsupported word the sources use). "Since lusp is first-line
for every TD pt ..., can I ...?": the presupposed clause itself is asked, so the sentence that
contradicts it comes first. The guard's premise rail then puts its note before both.
"""

from __future__ import annotations

from bot.guard.premises import Premise, presupposed_clause

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
