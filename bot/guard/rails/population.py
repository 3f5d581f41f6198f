"""Rail `population`: a question about a population defined by a marker's presence or absence is never answered by a
sentence about the opposite population ("len in pts without del(5q)?" by "For TD del(5q) LR-MDS, lenalidomide ...").

The populations are read with bot/guard/polarity.py (lexicon `marker_polarity`). A statement names a side by its
quoted sentences or, when they name none, by the section of the passages it cites, when all those sections name the
same side ("Lenalidomide in del(5q)"). A statement naming only the opposite side is dropped; a conflict position stays
(the conflict rail requires it). When no statement about the asked side is left (for a drug asked, one about that
drug; a trial's sentence is about the trial's drug), the opposite side's statements stay as the reason after a note
that the sources do not report it in the population asked, the others go, and any 'Yes:' / 'No:' lead is removed.
An answer about neither side, for a drug the corpus speaks of only on the opposite side (a trial that enrolled only
that side), gets those corpus sentences as the reason, after the same note. A question asking who qualifies, was enrolled or
approved, or why (`criteria_cues`) is answered by the other population's criteria too, and a population named in the
claim a question takes for granted ("X only took del(5q) pts, so ...") is corrected by them (premise rail): left alone.
"""

from __future__ import annotations

from bot.guard.claims import drug_mentions
from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import AnswerUnit, GuardDraft, GuardRail, GuardStatement, RailOutcome, allow, repair
from bot.guard.parse import NOTE_PREFIX, short
from bot.guard.polarity import Polarity, asked_polarities, asks_criteria, sides_named
from bot.guard.premises import presupposed_clause
from bot.guard.subject import subject_of
from corpus.models import Passage, Sentence

NAME = "population"
_VERDICT_LEADS = ("Yes: ", "No: ")  # a yes/no answer's lead (bot/qa/direct.py): never kept on another population's evidence
_MAX_ADDED = 2  # sentences of the sources quoted as the reason when the answer had none


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    asked = asked_polarities(draft.asked)
    if not asked or not draft.needs_citations or draft.subject_refusal or not draft.kept:
        return allow(NAME, "no population asked by a marker's presence or absence")
    if asks_criteria(draft.asked):
        return allow(NAME, "asks who qualifies or why: another population's criteria answer it")
    if sides_named(presupposed_clause(draft.asked)):  # "<trial> only took del(5q) pts, so ...": the other side corrects it
        return allow(NAME, "the population is in the premise the question takes for granted (the premise rail's)")
    cited = [s for s in draft.kept if s.cited]
    drugs = _asked_drugs(draft, knowledge)
    noted = next((p for p in asked if _noted(draft, _note(p, drugs, knowledge))), None)
    if noted is not None and not any(s.text.startswith(_VERDICT_LEADS) for s in draft.kept):  # a re-check of the repair
        return allow(NAME, f"noted that the sources do not report it in {noted.label}")
    other = {s.index: p for s in cited for p in asked if _side(s, p) is False}
    off = {i: p for i, p in other.items() if not _position(draft.statements[i], knowledge)}  # positions stay
    if any(_answers(s, asked, drugs, knowledge) for s in cited if s.index not in other):
        if not off:
            return allow(NAME, f"a statement is about {_asked_labels(asked)}")
        first = next(s for s in cited if s.index in off)
        detail = f"dropped {len(off)} statement(s) about {off[first.index].other_label} ('{short(first.text, 40)}')"
        return repair(NAME, detail, draft.dropping(set(off)))
    if other:
        return _not_reported(draft, other[min(other)], drugs, knowledge)
    return _only_other_population(draft, asked, drugs, knowledge)


def _asked_drugs(draft: GuardDraft, knowledge: GuardKnowledge) -> frozenset[str]:
    """The drugs the question asks about as treatments ('after ESA failure' is the patient's state), else its subject's."""
    question, lexicon = knowledge.spelled(draft.asked), knowledge.lexicon
    treated = {d for m in drug_mentions(question, lexicon) for d in m.drugs}
    treated |= {lexicon.trial(t).drug for t in knowledge.trials_named(question)}
    return frozenset(treated) or subject_of(question, draft.context, lexicon, knowledge.coverage).drugs


def _note(polarity: Polarity, drugs: frozenset[str], knowledge: GuardKnowledge) -> str:
    thing = " or ".join(knowledge.lexicon.label(d) for d in sorted(drugs)) or "this"
    return f"{NOTE_PREFIX}report {thing} in {polarity.label}; what they say concerns {polarity.other_label}."


def _noted(draft: GuardDraft, note: str) -> bool:
    return draft.subject_note == note or draft.response.answer.startswith(note)


def _not_reported(draft: GuardDraft, polarity: Polarity, drugs: frozenset[str], knowledge: GuardKnowledge,
                  added: int = 0) -> RailOutcome:
    """Nothing on the population asked: the other population's statements are the reason, after a note, lead dropped;
    the statements about neither population go (they are not evidence for the one asked)."""
    note = _note(polarity, drugs, knowledge)
    # in the note's answer only the other population's statements stay (and conflict positions, which the conflict rail needs)
    rest = {s.index for s in draft.kept if s.cited and not _position(s, knowledge) and _side(s, polarity) is not False}
    if draft.subject_note is not None:  # another rail's note stands; the statements go
        return repair(NAME, f"statements about {polarity.other_label} dropped", draft.dropping({s.index for s in draft.kept}))
    detail = (f"nothing about {polarity.label}; what the sources say of {polarity.other_label} given as the reason"
              f"{f' ({added} sentence(s) of the sources added)' if added else ''} (noted)")
    repaired = _without_leads(draft.dropping(rest) if rest else draft)
    return repair(NAME, detail, repaired.model_copy(update={"subject_note": note}))


def _only_other_population(draft: GuardDraft, asked: list[Polarity], drugs: frozenset[str],
                           knowledge: GuardKnowledge) -> RailOutcome:
    """An answer about neither population, for a drug the sources speak of only in the other population (a trial that
    enrolled only it): those sentences are the reason, after the note. None such: the answer stands."""
    if len(drugs) != 1:
        return allow(NAME, f"no statement is about another population than {_asked_labels(asked)}")
    for polarity in asked:
        quoted = {x.id for s in draft.kept for x in s.quoted_sentences()}
        sentences = [(x, p) for x, p in _corpus_sentences(drugs, polarity, knowledge) if x.id not in quoted]
        if sentences:
            return _not_reported(_adding(draft, sentences[:_MAX_ADDED]), polarity, drugs, knowledge,
                                 added=min(len(sentences), _MAX_ADDED))
    return allow(NAME, f"no statement is about another population than {_asked_labels(asked)}")


def _corpus_sentences(drugs: frozenset[str], polarity: Polarity, knowledge: GuardKnowledge) -> list[tuple[Sentence, Passage]]:
    """The corpus sentences about the drug naming only the other side, when none about it names the side asked."""
    other, asked_side = [], False
    for passage in knowledge.corpus.passages:
        for sentence in passage.sentences:
            if not _about(sentence.normalized, drugs, knowledge):
                continue
            side = _side_of([sentence.normalized], (passage,), polarity)
            asked_side = asked_side or bool(side)
            if side is False:
                other.append((sentence, passage))
    return [] if asked_side else other


def _adding(draft: GuardDraft, sentences: list[tuple[Sentence, Passage]]) -> GuardDraft:
    """The draft with these corpus sentences appended as quoted statements (rendered and cited like the others)."""
    units, statements = list(draft.units), list(draft.statements)
    for sentence, passage in sentences:
        index, unit = len(statements), len(units)
        statements.append(GuardStatement(index=index, unit=unit, text=sentence.normalized, markers=(), inherited=False,
                                         passages=(passage,), quoted={passage.id: (sentence,)}))
        units.append(AnswerUnit(prefix=" ", text=sentence.normalized, markers=(), statements=(index,)))
    return draft.model_copy(update={"units": tuple(units), "statements": tuple(statements), "rebuild": True})


def _without_leads(draft: GuardDraft) -> GuardDraft:
    """The draft with each statement's 'Yes:' / 'No:' lead removed, marked for rebuilding."""
    def bare(text: str) -> str:
        return next((text[len(lead):] for lead in _VERDICT_LEADS if text.startswith(lead)), text)

    statements = tuple(s.model_copy(update={"text": bare(s.text)}) for s in draft.statements)
    units = tuple(u.model_copy(update={"text": bare(u.text)}) for u in draft.units)
    return draft.model_copy(update={"statements": statements, "units": units, "rebuild": True})


def _texts(s: GuardStatement) -> list[str]:
    return [x.normalized for x in s.quoted_sentences()] or [s.content]


def _side(s: GuardStatement, polarity: Polarity) -> bool | None:
    return _side_of(_texts(s), s.passages, polarity)


def _side_of(texts: list[str], passages: tuple[Passage, ...], polarity: Polarity) -> bool | None:
    """True: the texts name the asked side (alone or with the other); False: only the other; None: neither.
    Texts naming neither take the side their passages' sections all name."""
    sides = frozenset().union(*(sides_named(t).get(polarity.marker, frozenset()) for t in texts))
    if not sides:
        by_section = {sides_named(p.section).get(polarity.marker, frozenset()) for p in passages}
        sides = next(iter(by_section)) if len(by_section) == 1 else frozenset()
    if not sides:
        return None
    return polarity.present in sides


def _answers(s: GuardStatement, asked: list[Polarity], drugs: frozenset[str], knowledge: GuardKnowledge) -> bool:
    """Names a side asked and, when drugs are asked about, is about one of them."""
    return any(_side(s, p) for p in asked) and (not drugs or _about(" ".join(_texts(s)), drugs, knowledge))


def _about(text: str, drugs: frozenset[str], knowledge: GuardKnowledge) -> bool:
    """The text is about one of the drugs: a trial's drugs when it names a trial (an entry criterion 'no prior
    <drug>' is not about that drug), else the drugs it names as treatments."""
    lexicon = knowledge.lexicon
    trials = [lexicon.trial(t) for t in knowledge.trials_named(text)]
    named = {d for t in trials for d in (t.drug, t.comparator) if d} if trials else \
        {d for m in drug_mentions(text, lexicon) for d in m.drugs}
    return bool(named & drugs)


def _position(s: GuardStatement, knowledge: GuardKnowledge) -> bool:
    return any(x.id in knowledge.position_ids for x in s.quoted_sentences())


def _asked_labels(asked: list[Polarity]) -> str:
    return " and ".join(p.label for p in asked)


RAIL = GuardRail(NAME, check)
