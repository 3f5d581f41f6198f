"""Rail `conflict`: an answer on a topic the sources disagree on carries every position.

A known conflict (corpus/conflicts.yaml, loaded by corpus.conflicts) is the question's topic when the
question names one of its triggers: then every position is shown. Repair: the missing positions
are appended verbatim with citations and the Conflict entry is listed. An answer to another question
that quotes a statement on the contested topic (one naming a trigger, a position, or a claim on the
drug and line of its `rules` link) only lists the Conflict (topic and summary): appending every
position to, say, a dose answer buries the answer (issue 11). A rules decision on the conflict's drug must carry its declared warning
(or list the conflict); the guard cannot add words to the rules core, so one that does not is blocked.
"""

from __future__ import annotations

from bot.guard.knowledge import ConflictFacts, GuardKnowledge
from bot.guard.models import AddedPosition, ConflictAddition, GuardDraft, GuardRail, RailOutcome, allow, block, repair

NAME = "conflict"


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    if draft.rules_route:
        return _check_rules_decision(draft, knowledge)
    additions, problems, applied = [], [], []
    cited = {p.id for s in draft.kept for p in s.passages}
    listed = {c.topic for c in draft.response.conflicts}
    for conflict in knowledge.conflicts:
        asked = _asked(conflict, draft)
        if not (asked or _quoted_on_topic(conflict, draft, knowledge)):
            continue
        applied.append(conflict.topic)
        missing = [AddedPosition(sentence=s, passage=p) for s, p in conflict.positions if p.id not in cited]
        if asked and missing:
            additions.append(ConflictAddition(topic=conflict.topic, positions=tuple(missing)))
            docs = ", ".join(sorted({a.passage.doc_id.split("_")[0] for a in missing}))
            problems.append(f"{conflict.topic}: position(s) of {docs} missing (added with citations)")
        elif conflict.topic not in listed:
            additions.append(ConflictAddition(topic=conflict.topic))
            problems.append(f"{conflict.topic}: not listed in conflicts (added)")
    if problems:
        return repair(NAME, "; ".join(problems), draft.model_copy(update={"additions": (*draft.additions, *additions)}))
    return allow(NAME, f"conflict shown: {', '.join(applied)}" if applied else "no known conflict concerned")


def _asked(conflict: ConflictFacts, draft: GuardDraft) -> bool:
    """The question is on the contested topic: the answer must carry every position."""
    answered = draft.response.status == "answered" and any(s.cited for s in draft.kept)
    return answered and conflict.conflict.applies_to(draft.asked)


def _quoted_on_topic(conflict: ConflictFacts, draft: GuardDraft, knowledge: GuardKnowledge) -> bool:
    """A kept statement is on the contested topic: the answer must at least list the conflict."""
    rules, positions = conflict.rules, {x.id for x, _ in conflict.positions}
    for s in (s for s in draft.kept if s.cited):
        if s.verbatim:
            if any(x.id in positions for x in s.quoted_sentences()):
                return True
            if any(conflict.topic in f.conflict_topics for f in knowledge.quoted_facts(s)):
                return True
            continue
        if conflict.conflict.applies_to(s.content):
            return True
        # A paraphrase claiming the contested drug and line (a drafter's "X is first-line").
        if rules and any(rules.drug in c.drugs and c.line == rules.line for c in knowledge.claims_of(s)):
            return True
    return False


def _check_rules_decision(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    decision = draft.decision
    concerned = [c for c in knowledge.conflicts if c.rules and decision is not None and decision.drug == c.rules.drug]
    listed = {c.topic for c in draft.response.conflicts}
    unshown = [c.topic for c in concerned if c.topic not in listed and c.rules.warning not in decision.warning_ids]
    if unshown:
        return block(NAME, "; ".join(f"{t}: the decision lacks the sources-disagree warning" for t in unshown),
                     f"its decision does not show that the sources disagree ({', '.join(unshown)})")
    if concerned:
        return allow(NAME, f"both positions carried: {', '.join(c.topic for c in concerned)}")
    return allow(NAME, "no known conflict concerned")


RAIL = GuardRail(NAME, check)
