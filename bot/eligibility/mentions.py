"""Drug names in a message, and what each one is to the patient: the drug asked about,
a prior therapy (with how it ended and how long it lasted), or a drug never taken.

Names come from the one lexicon (corpus/lexicon.yaml); a class name ("failed an ESA")
stands for the class's assumed member, and the user is told so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.eligibility import cues
from bot.eligibility.draft import Draft, fragment
from corpus.lexicon import Lexicon, load_lexicon
from corpus.lexicon_entries import Mention
from corpus.text import clause_end, clause_start, parse_number_as_written


@dataclass
class DrugMention:
    start: int
    end: int
    agent: str
    class_id: str | None = None  # set when a class name ("ESA") stood for the agent
    assumed_note: str | None = None  # "ESA not named: assumed epoetin alfa."
    role: str = "asked"  # asked | history | negated | other (someone else's)
    response: str | None = None
    response_rank: int = -1
    weeks: int | None = None
    weeks_note: str | None = None


_SENTENCE_BREAK = re.compile(r"\.(?!\d)\s|\n")
_NEGATION_LOOKBACK = 30  # characters before a response cue searched for its negation


def clause_bounds(draft: Draft, start: int, end: int) -> tuple[int, int]:
    """Where the statement holding [start, end) begins and ends."""
    limit = draft.reading.max_clause_chars
    return clause_start(draft.text, start, limit), clause_end(draft.text, end, limit)


def _class_mention(draft: Draft, lexicon: Lexicon, found: Mention) -> DrugMention | None:
    drug_class = lexicon.drug_class(found.id)
    if drug_class.assumed_member is None:
        return None  # a class with no representative member names no therapy
    before = draft.text[max(0, found.start - cues.LAB_LOOKBACK):found.start]
    if cues.LAB_BEFORE.search(before) or cues.LAB_AFTER.match(draft.text[found.end:]):
        return None  # "serum EPO", "EPO level": the lab, not the therapy
    agent = drug_class.assumed_member
    short = drug_class.short_label or drug_class.label
    note = f"{short[:1].upper()}{short[1:]} not named: assumed {lexicon.label(agent)}."
    return DrugMention(found.start, found.end, agent, drug_class.id, note)


def find_mentions(draft: Draft) -> list[DrugMention]:
    lexicon = load_lexicon()
    mentions = []
    for found in lexicon.mentions(draft.text, treatments=True):
        if not draft.is_free(found.start, found.end):
            continue  # e.g. the "EPO" of "EPO 620 U/L" is a lab, already read
        other_agent = cues.OTHER_AGENT_AFTER.match(draft.text[found.end:])
        if other_agent:
            named = draft.text[found.start:found.end + other_agent.end()]
            draft.note(f"'{named}' is not a drug the rules know: not recorded.")
            continue
        if found.kind == "drug":
            mentions.append(DrugMention(found.start, found.end, found.id))
        elif found.kind == "class" and (mention := _class_mention(draft, lexicon, found)):
            mentions.append(mention)
    return mentions


# --------------------------------------------------------------------------- #
# Response and duration cues, each given to the one drug it describes
# --------------------------------------------------------------------------- #


def _cue_target(draft: Draft, mentions: list[DrugMention], start: int, end: int) -> DrugMention | None:
    """A cue followed only by filler up to a drug ("failed 8 weeks of epoetin") points
    forward; otherwise it describes the drug before it in the same clause."""
    text = draft.text
    following = next((m for m in mentions if m.start >= end), None)
    preceding = next((m for m in reversed(mentions) if m.end <= start), None)
    if preceding and cues.ONLY_SPACE_OR_HYPHEN.fullmatch(text[preceding.end:start]):
        return preceding  # "ESA-refractory", "ESA failure" even when another drug follows
    if following and cues.FORWARD_FILLER.match(text[end:following.start]):
        return following
    if preceding and clause_bounds(draft, start, end)[0] <= preceding.start:
        return preceding
    if following and clause_bounds(draft, start, end)[1] >= following.end:
        return following
    if preceding and not _SENTENCE_BREAK.search(text, preceding.end, start):
        return preceding  # "did not fail epoetin; still responding": the sentence's drug
    return None


def _assign_responses(draft: Draft, mentions: list[DrugMention]) -> None:
    claimed: list[tuple[int, int]] = []
    for rank, (response, pattern) in enumerate(cues.responses()):
        for cue in pattern.finditer(draft.text):
            if any(cue.start() < e and cue.end() > s for s, e in claimed):
                continue  # "no longer responding" is a loss, not also a response
            claimed.append((cue.start(), cue.end()))
            lookback = max(0, cue.start() - _NEGATION_LOOKBACK)
            if cues.NEGATED_CUE.search(draft.text, lookback, cue.start()):
                continue  # "did not fail", "never lost response": the cue is denied
            if cues.HYPOTHETICAL_CUE.search(draft.text, lookback, cue.start()):
                continue  # "if luspatercept fails": a plan, not an outcome
            target = _cue_target(draft, mentions, cue.start(), cue.end())
            if target is not None and (target.response is None or rank < target.response_rank):
                target.response, target.response_rank = response, rank
    _share_responses(draft, mentions)


def _share_responses(draft: Draft, mentions: list[DrugMention]) -> None:
    """Drugs listed together share a response stated once for the list ("X and Y, no response to either")."""
    for group in _joined_groups(draft, mentions):
        responses = {m.response for m in group if m.response}
        if len(responses) == 1:
            shared = responses.pop()
            for mention in group:
                mention.response = mention.response or shared


def _joined_groups(draft: Draft, mentions: list[DrugMention]) -> list[list[DrugMention]]:
    groups: list[list[DrugMention]] = []
    for i, mention in enumerate(mentions):
        if i and cues.JOINED.match(draft.text[mentions[i - 1].end:mention.start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return [g for g in groups if len(g) > 1]


def _neighbour_limits(draft: Draft, mentions: list[DrugMention], i: int) -> tuple[int, int]:
    """The text around mention i that no other drug name cuts: its own clause, up to its neighbours."""
    mention = mentions[i]
    start, end = clause_bounds(draft, mention.start, mention.end)
    left = max(mentions[i - 1].end if i else 0, start)
    right = min(mentions[i + 1].start if i + 1 < len(mentions) else len(draft.text), end)
    return left, right


def _assign_weeks(draft: Draft, mentions: list[DrugMention]) -> None:
    text, per_month = draft.text, draft.reading.weeks_per_month
    for i, mention in enumerate(mentions):
        left, right = _neighbour_limits(draft, mentions, i)
        duration = (cues.WEEKS_BEFORE.search(text[left:mention.start]) or cues.WEEKS_AFTER.match(
            text[mention.end:right]) or cues.WEEKS_AGO.match(text[mention.end:right])
                    or cues.week_now().search(text[mention.end:right]))
        if not duration:
            continue
        amount = int(parse_number_as_written(duration.group("num")))
        if not duration.group("period").lower().startswith("mo"):
            mention.weeks = amount
            continue
        mention.weeks = amount * per_month
        mention.weeks_note = (f"{text[mention.start:mention.end]} '{fragment(duration)}': {amount} month(s) counted "
                              f"as {amount * per_month} weeks (1 month = {per_month} weeks).")


# --------------------------------------------------------------------------- #
# Roles: asked about, prior therapy, or never taken
# --------------------------------------------------------------------------- #


def _classify(draft: Draft, mentions: list[DrugMention]) -> None:
    text = draft.text
    for i, mention in enumerate(mentions):
        previous = mentions[i - 1] if i else None
        left_limit = max(previous.end if previous else 0, clause_bounds(draft, mention.start, mention.end)[0],
                         text.rfind(",", 0, mention.start) + 1)
        left = text[left_limit:mention.start]
        if cues.NEGATED_AFTER.match(text[mention.end:]) and cues.NOT_NAIVE_BEFORE.search(left):
            mention.role = "history"  # "not ESA-naive": exposed
            continue
        if cues.neither_before().search(left):
            # "neither X nor Y was tried": never given; "neither X nor Y helped": both given, both failed
            given = cues.outcome_verb().search(text, mention.end, clause_bounds(draft, mention.start, mention.end)[1])
            mention.role = "history" if given else "negated"
            mention.response = mention.response or ("none" if given else None)
            continue
        if cues.NEGATED_BEFORE.search(left) or cues.NEGATED_AFTER.match(text[mention.end:]):
            mention.role = "negated"
            continue
        if previous and previous.role == "negated" and cues.JOINED.match(text[previous.end:mention.start]):
            mention.role = "negated"  # "never had len or HMA": the negation covers the list
            continue
        if previous and previous.role != "negated" and (cues.CONJUNCTION.match(text[previous.end:mention.start])
                                                        or cues.JOINED.match(text[previous.end:mention.start])):
            mention.role = previous.role  # "failed epoetin and darbepoetin", "luspatercept or imetelstat"
            if mention.role == "history" and mention.response is None:
                mention.response = previous.response
            continue
        asked = [m.end() for m in cues.ASKED.finditer(left)]
        history = [m.end() for m in cues.HISTORY.finditer(left)]
        if asked and (not history or asked[-1] >= history[-1]):
            mention.role = "asked"
        elif history or mention.response or mention.weeks is not None or cues.HISTORY_AFTER.match(
                text[mention.end:]):
            mention.role = "history"


def read_mentions(draft: Draft) -> list[DrugMention]:
    """Every drug named, with its role, response and duration."""
    mentions = find_mentions(draft)
    _assign_responses(draft, mentions)
    _assign_weeks(draft, mentions)
    _classify(draft, mentions)
    _set_aside_others(draft, mentions)
    return mentions


def _set_aside_others(draft: Draft, mentions: list[DrugMention]) -> None:
    """"Her brother, 80, is on luspatercept": a course someone else had is not the patient's history.
    A drug asked about keeps its role ("her husband asks if she can get it")."""
    for mention in mentions:
        if mention.role != "asked" and draft.about_someone_else(mention.start):
            mention.role = "other"
            draft.note(f"'{draft.text[mention.start:mention.end]}' is about someone other than the patient: "
                       "not recorded.")
