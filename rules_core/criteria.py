"""Declarative building blocks: outcomes, criteria, pathways, warnings.

A criterion is data (id, statement, citation; loaded from ruleset.yaml) plus
a pure function of the derived facts, built from a named predicate, that
returns an Outcome: met / not_met / missing, the evidence behind it and, when
missing, which patient facts would settle it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from rules_core.decision import (
    Basis,
    ConflictNote,
    CriterionKind,
    CriterionResult,
    LineOfTherapy,
    MissingFact,
    Request,
    SourceQuote,
    WarningKind,
)
from rules_core.logic import MET, MISSING, NOT_MET, Tri, all_of, any_of

# A fact that would settle a `missing` outcome: field path + label, e.g.
# MissingFact("serum_epo", "serum erythropoietin level").
Fact = MissingFact


class Outcome(NamedTuple):
    """A check's answer. A NamedTuple because thousands are made per second."""

    status: Tri
    evidence: str
    missing: tuple[Fact, ...] = ()  # facts that would settle a `missing` status


def all_outcomes(*parts: Outcome) -> Outcome:
    """Kleene AND of outcomes; evidence names the parts that decided it."""
    status = all_of([p.status for p in parts])
    if status == MET:
        return Outcome(status, "; ".join([p.evidence for p in parts]))
    if status == NOT_MET:
        return Outcome(status, "; ".join([p.evidence for p in parts if p.status == NOT_MET]))
    return Outcome(status, "; ".join([p.evidence for p in parts]), _missing_of(parts))


def any_outcomes(*parts: Outcome) -> Outcome:
    """Kleene OR of outcomes; a met part alone is enough evidence."""
    status = any_of([p.status for p in parts])
    if status == MET:
        return next(p for p in parts if p.status == MET)
    evidence = "; ".join([p.evidence for p in parts])
    return Outcome(status, evidence, _missing_of(parts) if status == MISSING else ())


def _missing_of(parts: tuple[Outcome, ...]) -> tuple[Fact, ...]:
    seen: dict[str, Fact] = {}
    for part in parts:
        if part.status == MISSING:
            for fact in part.missing:
                seen.setdefault(fact.field, fact)
    return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    statement: str
    citation: SourceQuote
    check: Callable[..., Outcome]
    kind: CriterionKind = "clinical"  # documentation: a fact the source requires on file
    note: str | None = None
    supporting: tuple[SourceQuote, ...] = ()
    basis: Basis = "source"  # site_policy: a threshold the sources do not state
    policy_keys: tuple[str, ...] = ()  # the policy values the check applies
    # Results already built, by outcome: most outcomes come from small precomputed tables, so a decision
    # reuses the (read-only) CriterionResult instead of building it again. Bounded: values vary.
    results: dict[Outcome, CriterionResult] = field(default_factory=dict, compare=False, repr=False)

    def result(self, outcome: Outcome) -> CriterionResult:
        found = self.results.get(outcome)
        if found is None:
            found = CriterionResult(self.id, self.kind, self.statement, outcome.status, outcome.evidence, self.citation,
                                    self.supporting, self.note, outcome.missing, self.basis, self.policy_keys)
            if len(self.results) < _MAX_CACHED_RESULTS:
                self.results[outcome] = found
        return found


_MAX_CACHED_RESULTS = 512


@dataclass(frozen=True, slots=True)
class Pathway:
    id: str
    title: str
    criteria: tuple[Criterion, ...]
    name: str = ""  # plain words for readers (ruleset `name`)
    line_of_therapy: LineOfTherapy = "any"
    request: Request = "initial"
    not_applicable: Any = None  # the PathwayResult shown when the request is of the other kind (built once)


@dataclass(frozen=True, slots=True)
class WarningRule:
    """``when`` returns the warning text for these facts, or None when it does not apply."""

    id: str
    citations: tuple[SourceQuote, ...]
    when: Callable[..., str | None]
    kind: WarningKind
    request: Request | None = None  # None: initial requests and renewals alike


@dataclass(frozen=True, slots=True)
class DrugRules:
    drug: str
    pathways: tuple[Pathway, ...]
    warnings: tuple[WarningRule, ...]
    conflicts: tuple[tuple[str, ConflictNote], ...] = ()  # (pathway id, what the sources disagree on)

    # The warnings that can apply to each kind of request, split once (decisions are made by the ten thousand).
    initial_warnings: tuple[WarningRule, ...] = field(init=False, repr=False, compare=False)
    renewal_warnings: tuple[WarningRule, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "initial_warnings", tuple(w for w in self.warnings if w.request != "renewal"))
        object.__setattr__(self, "renewal_warnings", tuple(w for w in self.warnings if w.request != "initial"))
