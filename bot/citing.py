"""One way to cite a passage: every Citation the user sees is built from the corpus here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.models import Citation
from corpus.models import Passage, Sentence
from corpus.vocabulary import stem, words

if TYPE_CHECKING:  # pragma: no cover
    from corpus.ingest import Corpus


def make_citation(corpus: Corpus, n: int, passage: Passage, sentences: Iterable[Sentence] = ()) -> Citation:
    """A citation built from the corpus alone (the answerer's shape); quote = the given sentences or the passage."""
    chosen = sorted(set(sentences), key=lambda s: s.start) or list(passage.sentences)
    info = corpus.document(passage.doc_id).info
    return Citation(
        n=n,
        doc_id=passage.doc_id,
        doc_title=info.title,
        doc_date=info.stated_date,
        doc_kind=info.kind,
        section=passage.section,
        passage_id=passage.id,
        text=passage.normalized,
        start=passage.start,
        end=passage.end,
        quote=" ".join(s.normalized for s in chosen),
        quote_start=min(s.start for s in chosen),
        quote_end=max(s.end for s in chosen),
    )


def closest_sentence(text: str, passage: Passage) -> Sentence:
    """The passage sentence sharing most word stems with a text: the quote of a paraphrase."""
    mine = {stem(w) for w in words(text)}
    return max(passage.sentences, key=lambda s: (len(mine & {stem(w) for w in words(s.normalized)}), -s.start))
