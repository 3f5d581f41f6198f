"""What the guard knows, read once per corpus: passage and sentence facts, the conflicts, the rules core.

A statement that quotes a corpus sentence costs a lookup here, not a parse: claims, doses and
figures of every sentence are computed in ``GuardKnowledge.__init__``. Read-only afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from bot.citing import make_citation
from bot.guard.corpus_facts import CorpusFacts, corpus_facts
from bot.guard.claims import DoseFacts, DrugClaim, dose_facts, extract_claims, rules_lines
from bot.guard.models import LEAD_INS, GuardStatement
from bot.models import Citation
from bot.settings import GuardTuning
from corpus.conflicts import KnownConflict, load_conflicts, position_sentences
from corpus.ingest import Corpus
from corpus.learned import corpus_lexicon
from corpus.lexicon import Lexicon, load_lexicon
from corpus.models import Passage, Sentence
from corpus.text import Figure, collapse_spaces, extract_figures, fold_dashes
from corpus.vocabulary import SpellingCorrector, concepts_in, stem, words

NEGATION_WORDS = frozenset({"not", "no", "never", "neither", "nor", "cannot", "lack"})
_SEPARATOR = re.compile(r"[\s;.]*")
_BRACKET_SPACE = re.compile(r"([(\[])\s+|\s+([)\]])")


def loose(text: str) -> str:
    """Whitespace, dashes and bracket spacing folded: what OCR cleaning may change in a quote."""
    return _BRACKET_SPACE.sub(r"\1\2", collapse_spaces(fold_dashes(text)))


@dataclass(frozen=True)
class PassageFacts:
    figures: tuple[Figure, ...]
    stems: frozenset[str]
    concept_keys: frozenset[str]
    names: frozenset[str]  # words and concept keys: for drug, trial and qualifier words
    claims: tuple[DrugClaim, ...]
    negated: bool
    forms: tuple[tuple[str, Sentence], ...]  # sentence texts (with and without final '.'), longest first
    flat: str  # the sentences joined by single spaces (list bullets gone), loose()


@dataclass(frozen=True)
class SentenceFacts:
    claims: tuple[DrugClaim, ...]
    dose: DoseFacts
    conflict_topics: frozenset[str]  # known conflicts whose triggers the sentence names


@dataclass(frozen=True)
class ConflictFacts:
    """A known conflict (corpus/conflicts.yaml) with its positions resolved to corpus sentences."""

    conflict: KnownConflict
    positions: tuple[tuple[Sentence, Passage], ...]

    @property
    def topic(self) -> str:
        return self.conflict.topic

    @property
    def rules(self):
        """Where the rules core meets the conflict (drug, line, pathway, warning), or None."""
        return self.conflict.rules


class _Lazy(Mapping):
    """id -> facts, computed on first use: a start reads no passage; an answer reads the few it cites."""

    def __init__(self, ids: Mapping[str, object], compute: Callable[[str], object]):
        self._ids = ids
        self._compute = compute
        self._done: dict[str, object] = {}

    def __getitem__(self, key: str):
        found = self._done.get(key)
        if found is None:
            if key not in self._ids:
                raise KeyError(key)
            found = self._done[key] = self._compute(key)
        return found

    def __iter__(self):
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class GuardKnowledge:
    def __init__(self, corpus: Corpus, lines: Mapping[str, frozenset[str]] | None = None,
                 tuning: GuardTuning | None = None, conflicts: Iterable[KnownConflict] | None = None,
                 facts: CorpusFacts | None = None, corpus_words: frozenset[str] | None = None):
        self.corpus = corpus
        self.lexicon: Lexicon = corpus_lexicon(corpus)  # with the drugs added documents introduce
        # Those drugs: the rules core was written without them, so it neither backs nor contradicts their claims.
        self.learned = frozenset(self.lexicon.drugs_by_id) - frozenset(load_lexicon().drugs_by_id)
        self.tuning = tuning or GuardTuning()
        self.lines = lines if lines is not None else rules_lines()
        known = load_conflicts(corpus) if conflicts is None else tuple(conflicts)
        self.conflicts = tuple(
            ConflictFacts(c, tuple((s, corpus.passage(s.passage_id)) for s in position_sentences(c, corpus))) for c in known
        )
        self.passages = _Lazy(corpus.passage_rows, lambda pid: self._passage_facts(corpus.passage(pid)))
        self.sentences = _Lazy(corpus.sentence_rows, lambda sid: self._sentence_facts(corpus.sentences[corpus.sentence_rows[sid]]))
        facts = facts or corpus_facts(corpus, self.lexicon, None)
        # Drugs some source sentence gives a dose or schedule for.
        self.dosed = facts.dosed
        # Drugs, classes, conditions and populations some passage names (the subject rail).
        self.coverage = facts.coverage
        self.position_ids = frozenset(s.id for c in self.conflicts for s, _ in c.positions)
        # Every word of the corpus (premise terms no source uses): the lexical state's, when the engine has one.
        self.corpus_words = corpus_words if corpus_words is not None else frozenset(
            w for p in corpus.passages for w in words(f"{p.section} {p.normalized}")
        )
        self.corpus_stems = frozenset(stem(w) for w in self.corpus_words)

    # -- built once -------------------------------------------------------------------

    def _passage_facts(self, passage: Passage) -> PassageFacts:
        text = f"{passage.section} {passage.normalized}"
        title = self.corpus.document(passage.doc_id).info.title
        # A document about one drug (its title names it) is about that drug in every passage.
        subject = {c.key for c in concepts_in(title) if c.key in self.lexicon.drug_concept_keys}
        keys = {c.key for c in concepts_in(text)} | subject
        tokens = words(text)
        forms = {(form, s) for s in passage.sentences for form in (s.normalized, s.normalized.rstrip(".:"))}
        return PassageFacts(
            figures=extract_figures(passage.normalized),
            stems=frozenset(stem(t) for t in tokens),
            concept_keys=frozenset(keys),
            names=frozenset(tokens) | frozenset(keys),
            claims=tuple(c for s in passage.sentences for c in extract_claims(s.normalized, self.lexicon)),
            negated=bool(set(tokens) & NEGATION_WORDS),
            forms=tuple(sorted(forms, key=lambda pair: (-len(pair[0]), pair[1].id))),
            flat=loose(" ".join(s.normalized for s in passage.sentences)),
        )

    def _sentence_facts(self, sentence: Sentence) -> SentenceFacts:
        text = sentence.normalized
        topics = frozenset(c.topic for c in self.conflicts if c.conflict.applies_to(text))
        return SentenceFacts(tuple(extract_claims(text, self.lexicon)), dose_facts(text, self.lexicon), topics)

    @cached_property
    def covers(self) -> str:
        """'They cover: ...' from the manifest, as the answerer's refusals say it."""
        from bot.qa.answerer import coverage_statement  # the one wording; loaded only when a refusal needs it

        return coverage_statement(self.corpus)

    @cached_property
    def _corrector(self) -> SpellingCorrector:
        return SpellingCorrector.for_corpus(self.corpus_words)

    # -- lookups ------------------------------------------------------------------------

    @cached_property
    def trials_covered(self) -> frozenset[str]:
        """Trials some passage names by their label as written (an upper-case acronym, not the same ordinary word);
        read when first asked."""
        labels = {t.id: t.label for t in self.lexicon.trials}
        found = {tid for p in self.corpus.passages for tid, label in labels.items()
                 if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", p.text)}
        return frozenset(found)

    def spelled(self, text: str) -> str:
        """The text with misspelt words read as the corpus's, as retrieval reads them: a question about
        'luspatrecept' names luspatercept, and a dose question about it is not one about an unknown drug."""
        return self._corrector.correct_text(text)[0]

    def trials_named(self, text: str) -> frozenset[str]:
        return frozenset(m.id for m in self.lexicon.mentions(text) if m.kind == "trial")

    def citation(self, n: int, passage: Passage, sentences: Iterable[Sentence] = ()) -> Citation:
        return make_citation(self.corpus, n, passage, sentences)

    def reproduces(self, text: str, passage: Passage) -> tuple[Sentence, ...]:
        """The passage sentences a text reproduces verbatim (joined by ' ', '; ' or '. '), or ()."""
        text = collapse_spaces(text)
        for lead_in in LEAD_INS:
            text = text.removeprefix(lead_in)
        forms = self.passages[passage.id].forms
        used: list[Sentence] = []
        pos = 0
        while pos < len(text):
            match = next((pair for pair in forms if text.startswith(pair[0], pos)), None)
            if match is None:
                return ()
            used.append(match[1])
            pos = _SEPARATOR.match(text, pos + len(match[0])).end()
        return tuple(used)

    def citation_matches(self, c: Citation, passage: Passage) -> bool:
        """Every field as the corpus has it; a quote may be whole cleaned sentences, a cleaned fragment,
        or (as rules-core quotes are) the shipped file's own text at [quote_start, quote_end)."""
        title = self.corpus.document(passage.doc_id).info.title
        same = (c.doc_id, c.start, c.end, c.text, c.section, c.doc_title) == (
            passage.doc_id, passage.start, passage.end, passage.normalized, passage.section, title
        )
        if not same or c.quote is None:
            return same
        span = c.quote_start is not None and c.quote_end is not None
        if not (span and passage.start <= c.quote_start < c.quote_end <= passage.end):
            return False
        raw = self.corpus.document(passage.doc_id).raw[c.quote_start : c.quote_end]
        return (
            loose(c.quote) in self.passages[passage.id].flat
            or collapse_spaces(raw) == collapse_spaces(c.quote)
            or bool(self.reproduces(c.quote, passage))
        )

    def quoted_facts(self, s: GuardStatement) -> list[SentenceFacts]:
        return [self.sentences[x.id] for x in s.quoted_sentences()]

    def claims_of(self, s: GuardStatement) -> list[DrugClaim]:
        if s.verbatim:
            return [c for f in self.quoted_facts(s) for c in f.claims]
        return extract_claims(s.content, self.lexicon)

    def disputed(self, drug: str, line: str | None) -> bool:
        """The sources disagree on this drug's line: either side may be stated, with the other."""
        return any(c.rules is not None and (c.rules.drug, c.rules.line) == (drug, line) for c in self.conflicts)

    def claim_problem(self, claim: DrugClaim) -> str | None:
        """Why the rules core disagrees with a claim, or None."""
        for drug in claim.drugs:
            if drug in self.learned:
                continue
            lines = self.lines.get(drug, frozenset())
            label = self.lexicon.label(drug)
            if not claim.negated:
                if not lines:
                    return f"the rules core has no pathway for {label}"
                if claim.line and claim.line not in lines and "any" not in lines:
                    return f"the rules core has no {claim.line}-line pathway for {label}"
            elif claim.line in lines and not self.disputed(drug, claim.line):
                # A line the sources disagree on: either side may be stated, with the other.
                return f"the rules core has a {claim.line}-line pathway for {label}"
        return None
