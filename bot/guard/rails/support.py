"""Rail `support`: a paraphrase says only what its cited passages say.

It names no drug or trial and adds no absolute word (all, every, cure, safe, only ...) and no
negation that its passages lack, and enough of its content words (stemmed; a brand counts as its
generic) appear in them: GuardTuning.min_overlap. Repair: the statement is dropped.
Verbatim quotes, all the extractive answerer produces, pass without analysis.
"""

from __future__ import annotations

import re

from bot.guard.knowledge import NEGATION_WORDS, GuardKnowledge, PassageFacts
from bot.guard.models import GuardDraft, GuardRail, GuardStatement, RailOutcome, allow, repair
from bot.guard.parse import short
from corpus.lexicon_entries import Concept
from corpus.vocabulary import STOPWORDS, concepts_in, stem, words

NAME = "support"

# Words a faithful paraphrase may add without the passage using them.
_PARAPHRASE_WORDS = frozenset(
    """source sources document documents article review according state states stated says say note notes noted
    report reports reported describe describes described mention mentions mentioned show shows showed shown
    demonstrate demonstrates demonstrated find finds found finding findings trial study studies data evidence
    result results patient patients treatment treatments therapy therapies drug drugs agent agents option options
    use used using given receive received achieve achieved achieving least less fewer greater compared comparison
    respectively overall also however therefore thus additionally including include includes among approximately
    around roughly nearly cent percent rate rates proportion arm group groups whereas while""".split()
)
# Absolute or strong words a paraphrase may not add: its passage must use them itself.
_QUALIFIERS = frozenset(
    """all every any always never none only cure cures cured curative guarantee guarantees guaranteed completely
    entirely eliminate eliminates eliminated permanent permanently proven definitely certainly safe regardless
    universally""".split()
)
_SCHEDULE_EVERY = re.compile(r"\bevery\s+(?=\d)", re.IGNORECASE)  # "every 3 weeks" is a schedule, not "every patient"


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    drop, problems = set(), []
    paraphrased = [s for s in draft.claims() if not s.verbatim]
    for s in paraphrased:
        reason = unsupported_wording(s, knowledge)
        if reason:
            drop.add(s.index)
            problems.append(f"'{short(s.text, 50)}': {reason}")
    if problems:
        return repair(NAME, "; ".join(problems), draft.dropping(drop))
    quoted = len(draft.claims()) - len(paraphrased)
    return allow(NAME, f"{quoted} verbatim, {len(paraphrased)} paraphrased statement(s) supported")


def unsupported_wording(s: GuardStatement, knowledge: GuardKnowledge) -> str | None:
    """Why a paraphrase says more than its passages, or None."""
    facts = [knowledge.passages[p.id] for p in s.passages]
    found = concepts_in(s.content)
    return _added_names(s.content, found, facts, knowledge) or _added_wording(s.content, found, facts, knowledge)


def _added_names(text: str, found: list[Concept], facts: list[PassageFacts], knowledge: GuardKnowledge) -> str | None:
    names = frozenset().union(*(f.names for f in facts))
    for concept in sorted((c for c in found if c.key in knowledge.lexicon.drug_concept_keys), key=lambda c: c.key):
        if concept.key not in names:
            return f"names {concept.label}, which its source does not"
    added = (knowledge.lexicon.trial_words | _QUALIFIERS) & set(words(_SCHEDULE_EVERY.sub(" ", text)))
    for word in sorted(added):
        if word not in names:
            return f"adds '{word}', which its source does not say"
    if set(words(text)) & NEGATION_WORDS and not any(f.negated for f in facts):
        return "adds a negation its source does not have"
    return None


def _added_wording(text: str, found: list[Concept], facts: list[PassageFacts], knowledge: GuardKnowledge) -> str | None:
    tuning = knowledge.tuning
    stems = frozenset().union(*(f.stems for f in facts))
    named = _concept_words(text, {c.key for c in found if any(c.key in f.concept_keys for f in facts)}, knowledge)
    content = [t for t in words(text) if t not in STOPWORDS and t not in _PARAPHRASE_WORDS and t[0].isalpha() and len(t) > 1]
    if len(content) < tuning.min_content_words:
        return "too short to be a statement its source makes"
    missing = [t for t in content if stem(t) not in stems and t not in named]
    if len(missing) > (1 - tuning.min_overlap) * len(content):
        return f"wording not in its source ({', '.join(missing[:4])})"
    return None


def _concept_words(text: str, keys: set[str], knowledge: GuardKnowledge) -> set[str]:
    """Words of the text's mentions of these concepts (a brand counts when the passage has its generic)."""
    named: set[str] = set()
    for concept, regex in knowledge.lexicon.concept_regexes:
        if concept.key in keys:
            for m in regex.finditer(text):
                named.update(words(m.group(0)))
    return named


RAIL = GuardRail(NAME, check)
