"""What the guard's stages hand each other: a typed draft in, a typed outcome out of every rail."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.guard.instructions import strip_instructions
from bot.models import BotResponse, Check
from corpus.models import Passage, Sentence

if TYPE_CHECKING:  # pragma: no cover
    from bot.guard.knowledge import GuardKnowledge

Verdict = Literal["allow", "repair", "block"]
# The answerer's words before a quote: in a dose refusal, and a yes/no question's answer (bot/qa/direct.py).
LEAD_INS = ("What they do say: ", "Yes: ", "No: ", "The sources disagree: ")


class GuardContext(BaseModel):
    """What the conversation knows beyond this turn's text."""

    model_config = ConfigDict(frozen=True)

    subject_drug: str | None = Field(default=None, description="Drug id the previous turns were about ('its dose?').")
    subject_outside: tuple[str, ...] = Field(
        default=(), description="Ids of lexicon `outside_sources` entries (drugs, conditions, populations) the previous "
        "turns were about, when this turn names no subject of its own ('what dose of it?' after metformin) or is read "
        "as the last question about another drug ('what about imetelstat?' after a CMML question).",
    )
    read_as: str | None = Field(
        default=None, description="This turn read as a question of its own ('why did that trial fail?' -> 'why did "
        "<trial> fail?'; 'same q for idh1' -> 'what dose of idh1?'): the question whose premises the premise rail "
        "and whose dose the unstated_dose rail judge.",
    )
    patient_outside: tuple[str, ...] = Field(
        default=(), description="Ids of `outside_sources` populations this turn's patient belongs to by a stated fact "
        "(a 16-year-old: children), whatever the question names.",
    )


class DecisionView(BaseModel):
    """The part of a rules-core decision the guard reads, from a dict or a typed Decision alike."""

    model_config = ConfigDict(frozen=True)

    drug: str | None
    verdict: str | None
    warning_ids: tuple[str, ...] = Field(description="Ids of the decision's warnings.")

    @classmethod
    def of(cls, decision: Mapping[str, Any] | Any | None) -> DecisionView | None:
        """From the rules core's Decision (attributes) or its JSON dump (a dict)."""
        if not decision:
            return None
        if isinstance(decision, Mapping):
            drug, verdict = decision.get("drug"), decision.get("decision")
            warnings = [str(w.get("id", "")) for w in decision.get("warnings") or []]
        else:
            drug, verdict = decision.drug, decision.decision
            warnings = [w.id for w in decision.warnings]
        return cls(drug=drug, verdict=None if verdict is None else str(verdict), warning_ids=tuple(warnings))


class AnswerUnit(BaseModel):
    """Answer text up to a group of markers (or an uncited tail)."""

    model_config = ConfigDict(frozen=True)

    prefix: str  # whitespace before it: rules-route line breaks survive a repair
    text: str
    markers: tuple[int, ...]
    statements: tuple[int, ...] = ()


class GuardStatement(BaseModel):
    """One statement of the answer with its markers and the corpus passages they cite."""

    model_config = ConfigDict(frozen=True)

    index: int
    unit: int
    text: str  # as written, markers removed
    markers: tuple[int, ...]  # as written (may name citations that do not exist)
    inherited: bool  # a sentence before its unit's markers (cited only if it quotes the passage)
    passages: tuple[Passage, ...] = ()  # cited passages that exist
    quoted: dict[str, tuple[Sentence, ...]] = Field(default_factory=dict)  # passage id -> sentences reproduced

    @property
    def content(self) -> str:
        """The text without an answerer lead-in ("What they do say: ")."""
        for lead_in in LEAD_INS:
            if self.text.startswith(lead_in):
                return self.text[len(lead_in) :]
        return self.text

    @property
    def cited(self) -> bool:
        return bool(self.passages)

    @property
    def verbatim(self) -> bool:
        return bool(self.quoted)

    def quoted_sentences(self) -> list[Sentence]:
        """Each corpus sentence it reproduces, once."""
        return list({x.id: x for q in self.quoted.values() for x in q}.values())


class AddedPosition(BaseModel):
    model_config = ConfigDict(frozen=True)

    sentence: Sentence
    passage: Passage


class ConflictAddition(BaseModel):
    """A known conflict the repaired answer must list, with the positions to append."""

    model_config = ConfigDict(frozen=True)

    topic: str
    positions: tuple[AddedPosition, ...] = ()


class GuardDraft(BaseModel):
    """A response as the rails read it, and the repairs rails have asked for so far."""

    model_config = ConfigDict(frozen=True)

    response: BotResponse
    question: str = Field(description="The user's text as typed, instructions and premises included.")
    context: GuardContext = GuardContext()
    units: tuple[AnswerUnit, ...]
    statements: tuple[GuardStatement, ...]
    valid: dict[int, Passage] = Field(description="Marker number -> corpus passage, for citations of real passages.")
    citation_problems: tuple[str, ...] = ()  # unknown passages, numbers used twice
    mismatched: tuple[int, ...] = ()  # citations whose fields differ from their corpus passage
    has_note: bool = False  # the answer opens with a guard note (rebuilt on every review)
    # Repairs, accumulated rail by rail:
    dropped: frozenset[int] = frozenset()  # statements to remove
    rebuild: bool = False  # answer, markers and citations to be rebuilt from the kept statements
    additions: tuple[ConflictAddition, ...] = ()
    note: str | None = None  # premise note to prefix
    dose_refusal: tuple[str, ...] = ()  # drug labels: turn the answer into "no dose stated" refusal
    subject_refusal: str | None = None  # why the sources cannot answer about this subject: the answer becomes a refusal
    subject_note: str | None = None  # what the question names that the sources do not cover, the rest answered
    removed: int = 0  # statements dropped before the draft was settled (read again after a rebuild)

    @property
    def asked(self) -> str:
        """The question without the instructions smuggled into it: what rails judge the question by
        (its subject, what it asks, its premises). Only the injection rail reads `question` itself."""
        return strip_instructions(self.question) or self.question

    @property
    def read_as(self) -> str:
        """The question as the conversation read it ('same q for idh1' -> 'what dose of ivosidenib?'), else `asked`:
        what the rails judging what is asked (dose, figure, premise) read."""
        return self.context.read_as or self.asked

    @property
    def citations(self):
        return self.response.citations

    @property
    def decision(self) -> DecisionView | None:
        return DecisionView.of(self.response.decision)

    @property
    def rules_route(self) -> bool:
        """Rules-renderer text (criteria, patient evidence) is the rules core's, not a corpus claim."""
        return self.response.route == "rules"

    @property
    def needs_citations(self) -> bool:
        return self.response.status == "answered" and not self.rules_route

    @property
    def kept(self) -> list[GuardStatement]:
        return [s for s in self.statements if s.index not in self.dropped]

    def claims(self) -> list[GuardStatement]:
        """Statements whose content must be supported by their passages (all drafted ones)."""
        return [] if self.rules_route else [s for s in self.statements if s.cited]

    def dropping(self, indexes: set[int] | frozenset[int]) -> GuardDraft:
        """This draft with these statements removed and the answer marked for rebuilding."""
        return self.model_copy(update={"dropped": self.dropped | frozenset(indexes), "rebuild": True})


class RailOutcome(BaseModel):
    """What one rail decided about a draft."""

    model_config = ConfigDict(frozen=True)

    rail: str
    verdict: Verdict
    detail: str = Field(description="Shown in `checks`: what held, or what failed and what was done.")
    user_reason: str | None = Field(default=None, description="Block only: why, in the message the user sees.")
    draft: GuardDraft | None = Field(default=None, description="Repair only: the repaired draft.")

    @model_validator(mode="after")
    def _repair_has_a_draft(self) -> RailOutcome:
        if (self.verdict == "repair") != (self.draft is not None):
            raise ValueError("a repair, and only a repair, carries the repaired draft")
        return self

    @property
    def check(self) -> Check:
        return Check(name=self.rail, passed=self.verdict == "allow", detail=self.detail, outcome=self.verdict)


def allow(rail: str, detail: str) -> RailOutcome:
    return RailOutcome(rail=rail, verdict="allow", detail=detail)


def repair(rail: str, detail: str, draft: GuardDraft) -> RailOutcome:
    return RailOutcome(rail=rail, verdict="repair", detail=detail, draft=draft)


def block(rail: str, detail: str, user_reason: str) -> RailOutcome:
    return RailOutcome(rail=rail, verdict="block", detail=detail, user_reason=user_reason)


RailCheck = Callable[[GuardDraft, "GuardKnowledge"], RailOutcome]


@dataclass(frozen=True)
class GuardRail:
    """One rail: a name (as in `checks`), its check, and whether a repaired answer must pass it again."""

    name: str
    check: RailCheck
    recheck: bool = True  # False when its repair is rebuilt on every review (a premise note) or it never repairs
