"""Synthesis: a question naming several drugs or trials is searched once per named one.

"Compare the primary endpoints of <trial A>, <trial B> and <trial C>" is three questions
("the primary endpoints of <trial A>", ...): each is retrieved and scored on its own, so
every aspect gets its own best sentence instead of the one passage that names them all.
"""

from __future__ import annotations

from corpus.lexicon import Lexicon, Mention


def entity_key(lexicon: Lexicon, mention: Mention) -> str | None:
    """The answerer's key of a named drug ("c" + its search key) or trial (its id); None for a class."""
    if mention.kind == "drug":
        return f"c{lexicon.drug(mention.id).key}"
    return mention.id if mention.kind == "trial" else None


def aspect_queries(lexicon: Lexicon, text: str, entities: list[str]) -> dict[str, str]:
    """For each named entity (in order of appearance), the question with the other named ones taken out."""
    mentions = [(m, entity_key(lexicon, m)) for m in lexicon.mentions(text)]
    # "<drug> in <its trial>" is one aspect: the trial's own passages are about the drug.
    drug_of = {t.id: f"c{lexicon.drug(t.drug).key}" for t in lexicon.trials if t.id in entities}
    aspects = [e for e in entities if e not in drug_of.values()]
    named = [key for _, key in mentions if key in aspects]
    order = list(dict.fromkeys(named + [e for e in aspects if e not in named]))
    if len(order) < 2:
        return {}
    queries = {}
    for entity in order:
        keep = {entity, drug_of.get(entity)}
        others = [m for m, key in mentions if key in entities and key not in keep]
        queries[entity] = _without(text, others)
    return queries


def _without(text: str, mentions: list[Mention]) -> str:
    for mention in sorted(mentions, key=lambda m: -m.start):
        text = text[: mention.start] + " " + text[mention.end :]
    return text
