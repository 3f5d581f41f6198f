"""The drug(s) asked about, and the prior therapies (agent, weeks, response, iron status)."""

from __future__ import annotations

import re
from typing import Any

from bot.eligibility import cues
from bot.eligibility.draft import Draft, fragment, squash
from bot.eligibility.mentions import DrugMention, clause_bounds, read_mentions
from bot.eligibility.models import Assumption
from corpus.lexicon import load_lexicon

# Iron status qualifies an ESA course only: an ESA trial counts as adequate with iron repletion.
ESA_CLASS = "esa"


def esa_agents() -> frozenset[str]:
    return frozenset(load_lexicon().members(ESA_CLASS))


def _therapy_range(draft: Draft, mentions: list[DrugMention], mention: DrugMention) -> tuple[int, int]:
    """The part of the clause about this one drug, cut at commas and at neighbouring drugs."""
    index = next(i for i, other in enumerate(mentions) if other is mention)
    clause_from, clause_to = clause_bounds(draft, mention.start, mention.end)
    start = max(clause_from, mentions[index - 1].end if index else 0)
    end = min(clause_to, mentions[index + 1].start if index + 1 < len(mentions) else len(draft.text))
    breaks_before = list(cues.FRAGMENT_BREAK.finditer(draft.text, start, mention.start))
    if breaks_before:
        start = breaks_before[-1].end()
    break_after = cues.FRAGMENT_BREAK.search(draft.text, mention.end, end)
    if break_after:
        end = break_after.start()
    return start, end


def _therapy_fragment(draft: Draft, mentions: list[DrugMention], mention: DrugMention) -> str:
    start, end = _therapy_range(draft, mentions, mention)
    return squash(draft.text[start:end]).strip(" ,")


def _union(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _listed_members(draft: Draft, history: list[DrugMention], mention: DrugMention,
                    joined: re.Pattern[str] = cues.BOTH) -> set[str]:
    """Members of the class mention's class named beside it, joined by ``joined``: other courses
    ("failed epo and darbe"), or with cues.EITHER the same course's alternatives ("epo or darbe")."""
    index = history.index(mention)
    beside = [(history[index - 1], mention)] if index else []
    beside += [(mention, history[index + 1])] if index + 1 < len(history) else []
    members = set(load_lexicon().members(mention.class_id or ""))
    return {other.agent for pair in beside for other in pair
            if other is not mention and other.class_id is None and other.agent in members
            and joined.match(draft.text[pair[0].end:pair[1].start])}


def _alternative_of_a_class(draft: Draft, history: list[DrugMention], mention: DrugMention) -> bool:
    """ "Failed EPO or darbepoetin for 10 weeks": a member offered as an alternative to its class name is not
    a course of its own; the class mention carries the course (with what was said of the member), and
    the agent is asked."""
    if mention.class_id is not None:
        return False
    for other in history:
        if other.class_id and mention.agent in _listed_members(draft, history, other, cues.EITHER):
            other.weeks = other.weeks if other.weeks is not None else mention.weeks
            other.weeks_note = other.weeks_note or mention.weeks_note
            other.response = other.response or mention.response
            return True
    return False


def _history_agent(draft: Draft, history: list[DrugMention], mention: DrugMention, named: set[str]) -> str | None:
    """The agent of a prior course; "prior ESA (darbepoetin) x 12 weeks": the class name is the named agent;
    "failed epo and darbe": a class name listed beside a member is another course, its one other member.
    None: a class name with no member named ("failed an ESA"), an assumption for the chat to settle."""
    if mention.class_id is None:
        return mention.agent
    members = set(load_lexicon().members(mention.class_id))
    if _listed_members(draft, history, mention, cues.EITHER):
        return None  # "EPO or darbepoetin": which member is not said
    listed = _listed_members(draft, history, mention)
    if listed:
        rest = sorted(members - listed)
        if len(rest) != 1:
            return None
        lexicon = load_lexicon()
        draft.note(f"'{draft.text[mention.start:mention.end]}' listed beside "
                   f"{', '.join(lexicon.label(a) for a in sorted(listed))}: read as {lexicon.label(rest[0])}.")
        return rest[0]
    same_class = sorted(named & members)
    return same_class[0] if same_class else None


def _add_course(draft: Draft, entry: dict[str, Any], mention: DrugMention) -> None:
    if mention.weeks is not None and "weeks" not in entry:
        entry["weeks"] = mention.weeks
        if mention.weeks_note:
            draft.note(mention.weeks_note)
    if mention.response == cues.TOLERATING:
        # "intolerant of X; tolerating X well": a contradiction, asked; tolerating alone states no response
        entry["conflict"] = entry.get("conflict") or entry.get("response") == "intolerant"
        entry["tolerated"] = True
    elif mention.response == "intolerant" and entry.get("tolerated"):
        entry["conflict"] = True
    elif mention.response and entry.get("response") not in (None, mention.response):
        entry["conflict"] = True  # "X: responding. X: no response." -- asked, not guessed
    elif mention.response:
        entry["response"] = mention.response


def _assume_member(draft: Draft, mentions: list[DrugMention], mention: DrugMention) -> None:
    """"Failed an ESA": the course's agent is not stated; the chat asks for it when the verdict depends on it."""
    lexicon = load_lexicon()
    entry: dict[str, Any] = {"agent": mention.agent}
    _add_course(draft, entry, mention)
    others = [m for m in lexicon.members(mention.class_id or "") if m != mention.agent]
    label = lexicon.drug_class(mention.class_id or "").short_label or lexicon.drug_class(mention.class_id or "").label
    read = _therapy_fragment(draft, mentions, mention)
    draft.assumptions.append(Assumption(
        field="therapies", read=read, assumed=entry, alternatives=[{**entry, "agent": agent} for agent in others],
        question=f"Which {label} was it ('{read}')? The verdict depends on the agent.",
        note=mention.assumed_note or f"{label} not named.",
    ))


def _therapies(draft: Draft, mentions: list[DrugMention]) -> list[dict[str, Any]]:
    # "Her brother is on luspatercept": a relative's course is not the patient's therapy history.
    others = [m for m in mentions if m.role == "history" and draft.about_someone_else(m.start)]
    for mention in others:
        draft.note(f"'{_therapy_fragment(draft, mentions, mention)}' is about someone other than the patient: not recorded.")
    history = [m for m in mentions if m.role == "history" and m not in others]
    named = {m.agent for m in history if m.class_id is None}
    entries: dict[str, dict[str, Any]] = {}
    ranges: dict[str, list[tuple[int, int]]] = {}
    alternatives = [m for m in history if _alternative_of_a_class(draft, history, m)]
    for mention in history:
        if mention in alternatives:
            continue
        agent = _history_agent(draft, history, mention, named)
        if agent is None:
            _assume_member(draft, mentions, mention)
            continue
        _add_course(draft, entries.setdefault(agent, {"agent": agent}), mention)
        ranges.setdefault(agent, []).append(_therapy_range(draft, mentions, mention))
    for agent, agent_ranges in ranges.items():
        draft.spans[f"therapies.{agent}"] = " | ".join(
            squash(draft.text[start:end]).strip(" ,") for start, end in _union(agent_ranges))
    for entry in entries.values():
        entry.pop("tolerated", None)
    for agent in [a for a, entry in entries.items() if entry.pop("conflict", False)]:
        del entries[agent]
        draft.unresolved.append("therapies")
        draft.note(f"{load_lexicon().label(agent)}: the response is stated two ways "
                   f"('{draft.spans.pop(f'therapies.{agent}')}'); not recorded, please say which is current.")
    return list(entries.values())


def _asked_drugs(draft: Draft, mentions: list[DrugMention]) -> list[str]:
    """The drugs with rules asked about, in order; others are noted, not checked."""
    lexicon = load_lexicon()
    asked: list[str] = []
    for mention in mentions:
        if mention.role != "asked" or mention.agent in asked:
            continue
        name = draft.text[mention.start:mention.end]
        if not lexicon.drug(mention.agent).rules:
            draft.note(f"{name}: no medical-necessity rules for this drug; only "
                       f"{', '.join(lexicon.label(d) for d in lexicon.rules_drugs)} can be checked.")
            continue
        asked.append(mention.agent)
        if mention.assumed_note:
            draft.note(mention.assumed_note)
        draft.spans.setdefault("drug", name)
    return asked


def _attach_iron_status(draft: Draft, entries: list[dict[str, Any]], follow_up: bool) -> None:
    """Iron status only qualifies an ESA course (was the ESA trial adequate?).

    ``follow_up``: the message names no drug and denies no therapy, so a bare
    iron status can only be about an ESA course discussed in an earlier turn.
    """
    deficient, replete = cues.IRON_DEFICIENT.search(draft.text), cues.IRON_REPLETE.search(draft.text)
    match = deficient or replete
    if match is None:
        return
    status = deficient is None
    esa_entries = [e for e in entries if e["agent"] in esa_agents()]
    draft.spans["iron_replete"] = fragment(match)
    esa_assumed = [a for a in draft.assumptions if a.field == "therapies" and a.assumed["agent"] in esa_agents()]
    if esa_entries or esa_assumed:
        for entry in esa_entries + [e for a in esa_assumed for e in (a.assumed, *a.alternatives)]:
            entry["iron_replete"] = status
    elif follow_up and not entries:
        # A follow-up ("she was iron replete") about the ESA course discussed before;
        # merge_facts applies it to that course.
        entries.append({"agent": load_lexicon().drug_class(ESA_CLASS).assumed_member, "iron_replete": status})
        draft.note("Iron status applies to the prior ESA course.")
    else:
        draft.note(f"'{fragment(match)}' noted; iron status is recorded only with a prior ESA course.")


def extract_drugs_and_therapies(draft: Draft) -> list[str]:
    """Fill ``therapies`` and return the drugs asked about, in order."""
    mentions = read_mentions(draft)
    asked = _asked_drugs(draft, mentions)
    entries = _therapies(draft, mentions)
    never = [m for m in mentions if m.role == "negated" and not cues.NOW_AFTER.match(draft.text[m.end:])]
    esa_naive = next((m for m in never if m.class_id == ESA_CLASS), None)
    if esa_naive is None and esa_agents() <= {m.agent for m in never if m.class_id is None}:
        esa_naive = never[0]  # "neither epoetin nor darbepoetin was tried": every ESA named and denied
    nothing_before = cues.NOTHING_BEFORE.search(draft.text)
    if esa_naive:  # "ESA-naive": no ESA course, whatever else was said
        entries = [e for e in entries if e["agent"] not in esa_agents()]
        first_negated_esa = next(m for m in mentions if m.role == "negated" and m.agent in esa_agents())
        draft.spans["therapies"] = _therapy_fragment(draft, mentions, first_negated_esa)
    if nothing_before:
        draft.spans["therapies"] = nothing_before.group(0)
    _attach_iron_status(draft, entries, follow_up=not asked and not esa_naive and not nothing_before)
    if entries or esa_naive or nothing_before:
        draft.facts["therapies"] = entries
    return asked
