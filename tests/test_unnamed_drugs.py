"""A drug the sources never name is refused naming it, also when it is a brand outside the lexicon
(a capitalised word the sources never use) or a generic with a drug-name ending (lexicon
`drug_name_endings`); acronyms, sentence openings and short symbols are not names. Real engine."""

from __future__ import annotations

import pytest

from bot.qa.scope import unnamed_names
from corpus.encoder import model_words
from corpus.lexicon import load_lexicon

ENDINGS = tuple(load_lexicon().drug_name_endings)


def test_names_are_capitalised_words_inside_a_sentence_or_drug_endings():
    assert unnamed_names("Is Onureg an option after lusp failure?", ["onureg", "lusp"], ENDINGS) == ["Onureg"]
    assert unnamed_names("is roxadustat used?", ["roxadustat"], ENDINGS) == ["roxadustat"]
    assert unnamed_names("Onureg for TD?", ["onureg"], ENDINGS) == []  # a sentence opening may be any word
    assert unnamed_names("what about LFTs and Fe?", ["lfts", "fe"], ENDINGS) == []  # acronyms, symbols
    assert unnamed_names("Is Onureg an option?", [], ENDINGS) == []  # a word the sources use is no unknown name


def test_common_words_and_variants_of_the_sources_words_are_not_names():
    common, known = model_words(), frozenset({"european", "infused"})
    assert unnamed_names("Is it approved in Europe too?", ["europe"], ENDINGS, common, known) == []
    assert unnamed_names("Is it given as an IV Infusion?", ["infusion"], ENDINGS, common, known) == []
    assert unnamed_names("Does the article accept sEPO 500?", ["accept"], ENDINGS, common, known) == []
    assert unnamed_names("Is Mircera an option?", ["mircera"], ENDINGS, common, known) == ["Mircera"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "named"),
    [("Is Onureg an option after lusp failure?", "Onureg"), ("Is thalidomide effective in LR-MDS?", "thalidomide"), ("can I use Mircera instead of epoetin?", "Mircera"),
     ("Is roxadustat used for anemia in LR-MDS?", "roxadustat"), ("luspatercept plus Zarxio?", "Zarxio")],
)
def test_a_drug_the_sources_never_name_is_refused_naming_it(engine, question, named):
    shown = engine.conversation().send(question)
    assert shown.status == "refused" and f"do not mention {named}" in shown.answer


@pytest.mark.slow
def test_a_brand_the_lexicon_knows_is_answered(engine):
    assert engine.conversation().send("how does Rytelo compare with Reblozyl for TI?").status == "answered"
