"""A drug the sources never name is refused naming it, also when it is a brand outside the lexicon
(a capitalised word the sources never use) or a generic with a drug-name ending (lexicon
`drug_name_endings`); acronyms, sentence openings and short symbols are not names. Real engine."""

from __future__ import annotations

import pytest

from bot.qa.scope import unnamed_names
from corpus.lexicon import load_lexicon

ENDINGS = tuple(load_lexicon().drug_name_endings)


def test_names_are_capitalised_words_inside_a_sentence_or_drug_endings():
    assert unnamed_names("Is Onureg an option after lusp failure?", ["onureg", "lusp"], ENDINGS) == ["Onureg"]
    assert unnamed_names("is roxadustat used?", ["roxadustat"], ENDINGS) == ["roxadustat"]
    assert unnamed_names("Onureg for TD?", ["onureg"], ENDINGS) == []  # a sentence opening may be any word
    assert unnamed_names("what about LFTs and Fe?", ["lfts", "fe"], ENDINGS) == []  # acronyms, symbols
    assert unnamed_names("Is Onureg an option?", [], ENDINGS) == []  # a word the sources use is no unknown name


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "named"),
    [("Is Onureg an option after lusp failure?", "Onureg"), ("can I use Mircera instead of epoetin?", "Mircera"),
     ("Is roxadustat used for anemia in LR-MDS?", "roxadustat"), ("luspatercept plus Zarxio?", "Zarxio")],
)
def test_a_drug_the_sources_never_name_is_refused_naming_it(engine, question, named):
    shown = engine.conversation().send(question)
    assert shown.status == "refused" and f"do not mention {named}" in shown.answer


@pytest.mark.slow
def test_a_brand_the_lexicon_knows_is_answered(engine):
    assert engine.conversation().send("how does Rytelo compare with Reblozyl for TI?").status == "answered"
