"""Synthesis (issue 11 item 3): option questions get a sentence per drug; each aspect's evidence names it."""

from __future__ import annotations

from corpus.lexicon import load_lexicon


def test_option_cues_are_lexicon_data():
    assert load_lexicon().option_cues


def test_options_after_a_failure_get_a_sentence_per_drug(engine):
    """No drug is named, yet the answer is several: each drug the best evidence names, each cited."""
    response = engine.ask("Which options exist after ESA failure in transfusion-dependent LR-MDS?")
    assert response.status == "answered"
    assert "luspatercept" in response.answer.lower() and "imetelstat" in response.answer.lower()
    assert len(response.citations) >= 2


def test_a_fact_question_without_an_option_cue_is_not_split_by_drug(engine):
    """The same evidence for a one-fact question stays one drug's answer."""
    response = engine.ask("What is the FDA approval date of luspatercept?")
    assert "imetelstat" not in response.answer.lower()


def test_an_aspect_pick_that_does_not_name_its_trial_comes_after_the_sentence_that_does(engine):
    answer = engine.ask("How did the patients enrolled in MEDALIST differ from those in COMMANDS?").answer
    assert "refractory to ESAs" in answer and "ESA-naive" in answer
    assert answer.index("MEDALIST") < answer.index("Of the 222 patients enrolled")


def test_the_control_arm_of_each_trial_is_read_as_its_comparator(engine):
    """'control arm' is the comparator concept (lexicon data): each trial's sentence naming what it was compared with."""
    answer = engine.ask("What was the control arm in MEDALIST, IMerge and COMMANDS respectively?").answer
    assert answer.count("versus placebo") >= 2 and "ESAs" in answer


# -- synthesis by aspect (issue 11): populations, attributes, compound questions, broad questions, trials ------


def test_a_contrasting_question_splits_on_the_populations_it_contrasts():
    from bot.qa.aspects import aspect_queries

    queries = aspect_queries(load_lexicon(), "For del(5q) versus ring sideroblast LR-MDS, which drug does each get?", [])
    assert list(queries) == ["cdel5q", "crs"]
    assert "ring sideroblast" not in queries["cdel5q"] and "del(5q)" not in queries["crs"]
    assert "versus" not in queries["crs"]  # the contrast is no topic of either side


def test_populations_named_without_a_contrast_are_one_question():
    from bot.qa.aspects import aspect_queries

    assert aspect_queries(load_lexicon(), "What is the sEPO threshold in del(5q) with ring sideroblasts?", []) == {}


def test_each_contrasted_population_gets_the_drug_the_sources_name_for_it(engine):
    answer = engine.ask("For del(5q) versus ring sideroblast LR-MDS, which drug does each get?").answer
    assert "lenalidomide" in answer and "Luspatercept" in answer
    assert answer.index("lenalidomide") < answer.index("Luspatercept")  # the order the question names them


def test_each_aspect_gets_the_sentence_on_what_is_asked_of_it(engine):
    """'How long did TI last' asks the duration of each: the sentence giving it, after the one naming the trial."""
    answer = engine.ask(
        "How long did transfusion independence last with luspatercept in MEDALIST compared with imetelstat in IMerge?"
    ).answer
    assert "79.9 weeks" in answer and "IMerge" in answer


def test_a_compound_question_gets_the_evidence_of_each_part():
    from bot.qa.aspects import sub_questions

    parts = sub_questions(load_lexicon(), "When is ESA therapy best begun, and how many weeks before it is called a failure?")
    assert len(parts) == 2 and "ESA" in parts[1]  # the second part carries what the first names
    assert sub_questions(load_lexicon(), "What is the dose of luspatercept and imetelstat?") == []
    # A part naming nothing refers back, never forward to a name a later part gives.
    first, second = sub_questions(load_lexicon(), "How long do LR-MDS patients live; and what did imetelstat show for survival?")
    assert "imetelstat" not in first and "imetelstat" in second


def test_both_parts_of_a_compound_question_are_answered(engine):
    answer = engine.ask("When is ESA therapy best begun, and after how many weeks is it called a failure?").answer
    assert "within 6 months of diagnosis" in answer and "6-8 weeks" in answer


def test_a_broad_question_gives_every_topic_term_a_sentence(engine):
    """'How should therapy be sequenced in R/R LR-MDS?' spans the review's sequencing, not one passage."""
    answer = engine.ask("How should anemia therapy be sequenced in relapsed or refractory LR-MDS according to the review?").answer
    assert "luspatercept" in answer and "imetelstat" in answer
    assert len(answer.split("[")) - 1 <= 6  # still a handful of quotes, each once


def test_which_trials_gets_a_sentence_per_trial(engine):
    response = engine.ask("What studies back luspatercept?")
    named = [t for t in ("MEDALIST", "COMMANDS", "PACE-MDS", "MAXILUS") if t in response.answer]
    assert len(named) >= 2 and len(response.citations) >= 2


def test_which_members_of_a_class_gets_each_member_the_evidence_names(engine):
    from bot.qa.aspect_picks import asked_class_members

    assert asked_class_members("Which ESAs are first-line?") == {"cepoetin", "cdarbepoetin"}
    assert not asked_class_members("Is luspatercept an ESA?")
    answer = engine.ask("Which ESAs come first in the article's sequencing, before luspatercept?").answer
    assert "darbepoetin alfa" in answer and "epoetin alfa" in answer


def test_a_drug_named_as_failed_is_the_setting_not_the_subject(engine):
    from bot.qa.aspects import prior_therapies

    lexicon = load_lexicon()
    assert prior_therapies(lexicon, "failed Reblozyl - what's next?") == {"cluspatercept"}
    assert prior_therapies(lexicon, "Does imetelstat work after luspatercept failure?") == {"cluspatercept"}
    assert not prior_therapies(lexicon, "What is the response after luspatercept treatment?")
    first = engine.ask("failed Reblozyl - what's next?").answer.split("[1]")[0]
    assert "imetelstat" in first  # the next option, not the failed drug's approval


def test_over_the_word_budget_the_positions_and_the_asked_evidence_stay(engine):
    """A comparison naming the disputed trial carries every position and, for each aspect, the sentence saying
    what is asked of it (its duration of TI); other quotes go when the answer is over the budget."""
    from bot.qa.answerer import Answerer
    from bot.settings import AnswerTuning

    question = "how long did transfusion independence last with luspatercept in COMMANDS and in MEDALIST?"
    full = engine.answerer.answer(question)
    tight = Answerer(engine.corpus, engine.retriever, tuning=AnswerTuning(max_answer_words=150)).answer(question)
    for response in (full, tight):
        assert "150" in response.answer and "79.9" in response.answer  # each trial's duration of TI
        assert "ongoing" in response.answer and "60.4%" in response.answer  # both documents' positions
    assert {c.quote for c in tight.citations} <= {c.quote for c in full.citations}  # dropped, never added


def test_the_budget_keeps_the_opening_and_the_kept_sentences():
    from bot.qa.budget import within_budget
    from bot.qa.selection import ScoredSentence
    from corpus.models import Sentence

    def item(i: int, score: float, n: int) -> ScoredSentence:
        sentence = Sentence(id=f"s{i}", passage_id="p", doc_id="d", normalized=" ".join(["w"] * n), start=i, end=i + 1)
        return ScoredSentence(sentence, None, score, 0.0, 0.0, 0.0)

    chosen = [item(0, 0.1, 50), item(1, 0.9, 50), item(2, 0.5, 50), item(3, 0.0, 50)]
    assert [c.sentence.id for c in within_budget(chosen, {"s3"}, 160)] == ["s0", "s1", "s3"]  # lowest score first
    assert [c.sentence.id for c in within_budget(chosen, {"s3"}, 120)] == ["s0", "s3"]
    assert within_budget(chosen, set(), 0) == chosen
