"""Domain vocabulary: brand/generic names, abbreviations, spelling variants, typos.

Both the passages (at index time) and the questions (at query time) are
expanded with the same concept tokens, so "Reblozyl" finds "luspatercept",
"sEPO" finds "serum erythropoietin" and the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import Stemmer
from rapidfuzz.distance import Levenshtein


@dataclass(frozen=True)
class Concept:
    """One medical concept and the surface forms that name it."""

    key: str  # the token added to expanded text, e.g. "c_luspatercept"
    label: str
    patterns: tuple[str, ...]  # case-insensitive regexes over raw text


def _concept(key: str, label: str, *patterns: str) -> Concept:
    return Concept(f"c{key}", label, patterns)


# Order matters only for readability; every concept is matched independently.
CONCEPTS: tuple[Concept, ...] = (
    # drugs: generic <-> brand
    _concept("luspatercept", "luspatercept", r"luspatercept(?:-aamt)?", r"reblozyl", r"actriib ligand trap"),
    _concept("imetelstat", "imetelstat", r"imetelstat", r"rytelo", r"telomerase inhibitor"),
    _concept("lenalidomide", "lenalidomide", r"lenalidomide", r"revlimid"),
    _concept("epoetin", "epoetin alfa", r"epoetin(?: alfa| zeta)?", r"procrit", r"epogen", r"retacrit"),
    _concept("darbepoetin", "darbepoetin alfa", r"darbepoetin(?: alfa)?", r"aranesp"),
    _concept("ivosidenib", "ivosidenib", r"ivosidenib", r"tibsovo"),
    _concept("enasidenib", "enasidenib", r"enasidenib", r"idhifa"),
    _concept("azacitidine", "azacitidine", r"azacitidine", r"vidaza"),
    _concept("decitabine", "decitabine", r"decitabine", r"dacogen"),
    # drug classes
    _concept(
        "esa",
        "erythropoiesis-stimulating agent (ESA)",
        r"esas?",
        r"erythropoiesis[- ]stimulating agents?",
        r"epoetin",
        r"darbepoetin",
        r"procrit|epogen|retacrit|aranesp",
        r"epo therapy",
    ),
    _concept("hma", "hypomethylating agent (HMA)", r"hmas?", r"hypomethylating agents?", r"azacitidine|decitabine|vidaza|dacogen"),
    _concept("idhinhib", "IDH inhibitor", r"idh(?:mut)? inhibitors?", r"ivosidenib|enasidenib|tibsovo|idhifa"),
    # markers and measurements
    _concept("sepo", "serum erythropoietin (sEPO)", r"s-?epo", r"serum epo", r"serum erythropoietin", r"erythropoietin levels?", r"epo levels?", r"endogenous epo"),
    _concept("sf3b1", "SF3B1", r"sf3b1(?:mut)?"),
    _concept("idh", "IDH1/IDH2", r"idh[12]?(?:mut)?", r"idh[12]-mutated"),
    _concept("del5q", "del(5q)", r"del\s?\(?5q\)?", r"5q[- ]deletion", r"deletion (?:of )?5q", r"5q-(?=\s)"),
    _concept("rs", "ring sideroblasts (RS)", r"rs", r"ring sideroblasts?", r"sideroblast(?:s|ic)?", r"mds[- ]rs"),
    _concept("hb", "hemoglobin (Hb)", r"hb", r"ha?emoglobin"),
    _concept("blasts", "bone marrow blasts", r"blasts?"),
    _concept("ipss", "IPSS / IPSS-R / IPSS-M", r"ipss(?:-[rm])?", r"prognostic scoring system", r"risk (?:category|categories|strat\w*)"),
    # transfusion concepts
    _concept("ti", "transfusion independence (TI)", r"(?:rbc-?)?t?ti", r"transfusion[- ]independen\w*"),
    _concept("td", "transfusion dependence (TD)", r"(?:rbc-?)?td", r"transfusion[- ]dependen\w*", r"regular (?:red blood cell |rbc )?transfusions?"),
    _concept("tb", "transfusion burden (TB)", r"tb", r"transfusion burden", r"units?\s*/\s*8 weeks", r"units? (?:per|every|in) 8 weeks"),
    _concept("hie", "hematologic improvement-erythroid (HI-E)", r"hi-?e", r"ha?ematologic improvement(?:-erythroid)?", r"erythroid response"),
    # outcomes and safety
    _concept("os", "overall survival (OS)", r"m?os", r"overall survival", r"survival"),
    _concept("aml", "acute myeloid leukemia (AML)", r"aml", r"acute myeloid leuka?emia", r"leuka?emic (?:evolution|progression|transformation)"),
    _concept("ae", "adverse events (AE/AESI/TEAE)", r"aes?i?", r"teaes?", r"adverse events?", r"side[- ]effects?", r"toxicit\w*", r"tolerability", r"safety"),
    _concept("cytopenia", "thrombocytopenia / neutropenia", r"thrombocytopenia", r"neutropenia", r"myelosuppression", r"cytopenias?", r"low platelets?", r"low neutrophils?"),
    _concept(
        "mechanism",
        "mechanism of action",
        r"mechanisms?(?: of action)?",
        r"mode of action",
        r"how (?:does|do|did) (?:it|they|this|\w+) work",
        r"ligand trap",
        r"signal(?:l)?ing",
        r"fusion protein",
        r"molecule",
        r"what (?:kind|type|class) of (?:drug|agent|molecule|medicine)",
        r"erythroid maturation",
    ),
    _concept("monitoring", "response monitoring", r"monitor\w*", r"evaluat\w*", r"assess\w*", r"check(?:ing)?", r"follow[- ]up", r"is (?:it |\w+ )?working"),
    _concept(
        "sequencing",
        "treatment sequencing",
        r"sequenc\w*",
        r"algorithms?",
        r"hierarchy",
        r"treatment pathway",
        r"order of (?:treatment|therapy|therapies)",
        r"what (?:comes|to (?:use|give|try)) (?:next|after)",
    ),
    _concept("goals", "goals of therapy", r"goals?", r"aim(?:s|ing)?", r"objectives?"),
    _concept("diagnosis", "diagnosis", r"diagnos\w*", r"dx"),
    _concept("iron", "iron overload", r"iron overload", r"transfusional iron"),
    # treatment framing
    _concept(
        "firstline",
        "first-line",
        r"first[- ]line",
        r"front[- ]?line",
        r"upfront",
        r"initial (?:treatment|therapy)",
        r"esa[- ]naive",
        r"(?:before|instead of|rather than) (?:an? )?(?:esas?|epoetin|erythropoiesis[- ]stimulating agents?)",
    ),
    _concept("secondline", "second-line", r"second[- ]line", r"after esa failure", r"esa[- ](?:failure|refractory|r/r)"),
    _concept("dose", "dose / schedule", r"dos(?:e|es|ed|ing|age)", r"mg(?:/kg)?", r"every \d+ weeks", r"q3 ?w", r"how much", r"daily", r"schedule"),
    _concept("approval", "regulatory approval", r"fda", r"ema", r"approv\w*", r"european medicines agency"),
    _concept("lrmds", "lower-risk MDS", r"lr[- ]mds", r"lower[- ]risk(?: mds| myelodysplastic)?", r"low[- ]risk mds"),
    _concept("mds", "myelodysplastic syndromes (MDS)", r"mds", r"myelodysplastic(?: syndromes?)?", r"myelodysplasia"),
)

_CONCEPT_REGEXES = tuple(
    (c, re.compile(r"(?<![\w-])(?:" + "|".join(c.patterns) + r")(?![\w])", re.IGNORECASE)) for c in CONCEPTS
)

# British spellings and symbols folded before tokenising.
_SPELLING = (
    (re.compile(r"haem", re.I), "hem"),
    (re.compile(r"anaem", re.I), "anem"),
    (re.compile(r"leukaem", re.I), "leukem"),
    (re.compile(r"oesophag", re.I), "esophag"),
)

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be been before being both but by can could did do
    does doing during each few for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not of off on once only or other our out over own same she should so some such
    than that the their them then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours per vs versus e g i.e eg ie tell please show explain
    describe give list say said according source sources paper article review
    patient patients mds now then okay ok""".split()
)

# Words of a question that carry no topic: they never make a question out of scope.
QUESTION_WORDS = frozenset(
    """much many often long well compare compared comparison effective efficacy result results outcome outcomes data
    evidence trial trials study studies shown show showed reported report rate rates percent percentage number numbers
    use used using role recommend recommended recommendation option options treat treated treatment therapy therapies
    drug drugs agent agents work works mechanism action good best better worse benefit benefits risk risks main key
    summary summarize summarise known happen happens mean means meaning definition define typical typically usually
    common clinical clinically guideline guidelines need needed required requirement requirements criteria criterion
    indication indications indicated eligible eligibility qualify consider considered considering start started
    starting give given receive received respond response responses responder responders achieve achieved achieving
    primary endpoint endpoints versus arm arms placebo group groups time times week weeks month months year years
    first second third line lines level levels value values high low higher lower significant significantly
    must met meet meets should can need needs influence influences choice choose choosing decide decision select
    selection between affect affects share proportion fraction lasting last lasted typical soon quickly fast""".split()
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


_NUMBER_WORDS = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve)\b", re.IGNORECASE)
_NUMBER_VALUES = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten".split())} | {"twelve": "12"}

# Qualifiers that put a question outside both documents, however well the rest matches
# ("imetelstat dose for children", "transplant after luspatercept").
OUT_OF_SCOPE_QUALIFIERS = frozenset(
    """child children childhood pediatric paediatric infant infants adolescent adolescents pregnant pregnancy
    breastfeeding lactation transplant transplantation allogeneic hsct chelation chelator deferasirox deferoxamine
    deferiprone ferritin dialysis""".split()
)


def fold(text: str) -> str:
    for pattern, replacement in _SPELLING:
        text = pattern.sub(replacement, text)
    text = _NUMBER_WORDS.sub(lambda m: _NUMBER_VALUES[m.group(1).lower()], text)
    return text.replace("≥", " >= ").replace("≤", " <= ")


def concepts_in(text: str) -> list[Concept]:
    """Concepts named in the text, in CONCEPTS order."""
    folded = fold(text)
    return [c for c, regex in _CONCEPT_REGEXES if regex.search(folded)]


def words_named_by_concepts(text: str) -> set[str]:
    """Words that belong to a concept mention (so 'Reblozyl' counts as known vocabulary)."""
    named: set[str] = set()
    for _, regex in _CONCEPT_REGEXES:
        for match in regex.finditer(fold(text)):
            named.update(_TOKEN.findall(match.group(0).lower()))
    return named


def words(text: str) -> list[str]:
    """Lower-case word tokens (numbers kept, decimals kept whole)."""
    return _TOKEN.findall(fold(text).lower())


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and not w.isdigit()]


def analyze(text: str) -> list[str]:
    """Tokens for lexical search: stemmed content words plus concept keys."""
    tokens = [stem(w) for w in words(text) if w not in STOPWORDS]
    tokens.extend(c.key for c in concepts_in(text))
    return tokens


class SpellingCorrector:
    """Maps unknown question words to the closest word the corpus or the vocabulary knows."""

    def __init__(self, known_words: set[str]):
        self.known = known_words
        self._by_length: dict[int, list[str]] = {}
        for word in known_words:
            self._by_length.setdefault(len(word), []).append(word)

    def correct(self, word: str) -> str:
        if word in self.known or len(word) < 5 or not word.isalpha():
            return word
        budget = 1 if len(word) < 8 else 2
        best, best_distance = word, budget + 1
        for length in range(len(word) - budget, len(word) + budget + 1):
            for candidate in sorted(self._by_length.get(length, ())):
                distance = Levenshtein.distance(word, candidate, score_cutoff=budget)
                if distance < best_distance:
                    best, best_distance = candidate, distance
        return best

    def correct_text(self, text: str) -> tuple[str, dict[str, str]]:
        """The text with misspelt words replaced, and what was replaced."""
        fixes: dict[str, str] = {}

        def repl(match: re.Match[str]) -> str:
            original = match.group(0)
            lowered = original.lower()
            fixed = self.correct(lowered)
            if fixed != lowered:
                fixes[original] = fixed
                return fixed
            return original

        return re.sub(r"[A-Za-z]+", repl, text), fixes


def vocabulary_words() -> set[str]:
    """Every plain word the concept patterns spell out (brand names included)."""
    found: set[str] = set()
    for concept in CONCEPTS:
        for pattern in concept.patterns:
            found.update(w for w in re.findall(r"[a-z]{4,}", pattern))
    return found
