"""Rail `conflict`: an answer on a topic the sources disagree on carries every position.

A known conflict (corpus/conflicts.yaml, loaded by corpus.conflicts) concerns an answer when the
question or a kept statement names one of its triggers, or a statement claims the drug and line
of its `rules` link. Repair: the missing positions are appended verbatim with citations and the
Conflict entry is listed. A rules decision on the conflict's drug must carry its declared warning
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
        if not _concerns(conflict, draft, knowledge):
            continue
        applied.append(conflict.topic)
        missing = [AddedPosition(sentence=s, passage=p) for s, p in conflict.positions if p.id not in cited]
        if missing:
            additions.append(ConflictAddition(topic=conflict.topic, positions=tuple(missing)))
            docs = ", ".join(sorted({a.passage.doc_id.split("_")[0] for a in missing}))
            problems.append(f"{conflict.topic}: position(s) of {docs} missing (added with citations)")
        elif conflict.topic not in listed:
            additions.append(ConflictAddition(topic=conflict.topic))
            problems.append(f"{conflict.topic}: not listed in conflicts (added)")
    if problems:
        return repair(NAME, "; ".join(problems), draft.model_copy(update={"additions": (*draft.additions, *additions)}))
    return allow(NAME, f"both positions carried: {', '.join(applied)}" if applied else "no known conflict concerned")


def _concerns(conflict: ConflictFacts, draft: GuardDraft, knowledge: GuardKnowledge) -> bool:
    kept = [s for s in draft.kept if s.cited]
    if draft.response.status == "answered" and kept and conflict.conflict.applies_to(draft.question):
        return True
    rules = conflict.rules
    for s in kept:
        if s.verbatim and any(conflict.topic in f.conflict_topics for f in knowledge.quoted_facts(s)):
            return True
        if not s.verbatim and conflict.conflict.applies_to(s.content):
            return True
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
