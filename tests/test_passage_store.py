"""The cut corpus read back as columns: passages built lazily equal those cut eagerly, and a start
with a current index builds only the passages it reads (real corpus, real MiniLM, real Chroma)."""

from __future__ import annotations

import pytest

from corpus.corpus_cache import load_corpus_cached
from corpus.ingest import load_corpus


@pytest.fixture(scope="module")
def cut_and_read(tmp_path_factory):
    """The shipped corpus cut in memory, and the same corpus read back from its cache folder."""
    cache = tmp_path_factory.mktemp("corpus-cache")
    load_corpus_cached(None, cache)  # cuts and writes
    return load_corpus(), load_corpus_cached(None, cache)


def test_reading_the_cache_builds_no_passage(cut_and_read):
    _, read = cut_and_read
    assert len(read.passages) > 40 and len(read.sentences) > 80
    assert read.store.built_rows == frozenset()
    assert read.passage_rows and read.sentence_rows and read.sections_of(read.documents[0].id)
    assert read.store.built_rows == frozenset()  # ids, rows and section titles come from the columns


def test_passages_built_lazily_equal_those_cut_eagerly(cut_and_read):
    cut, read = cut_and_read
    for row in reversed(range(len(cut.passages))):  # out of order: each built alone
        assert read.passages[row] == cut.passages[row]
        assert read.passages[row].model_dump() == cut.passages[row].model_dump()
    assert list(read.sentences) == list(cut.sentences)
    assert read == cut and read.content_hash == cut.content_hash and read.dropped == cut.dropped
    for doc in cut.documents:
        assert read.passages_of(doc.id) == cut.passages_of(doc.id)
        assert read.sections_of(doc.id) == list(dict.fromkeys(p.section for p in cut.passages_of(doc.id)))
        assert read.document_digest(doc.id) == cut.document_digest(doc.id)
    assert read.passage_rows == cut.passage_rows and read.sentence_rows == cut.sentence_rows


def test_a_passage_is_built_once_and_its_sentences_are_the_corpus_sentences(cut_and_read):
    _, read = cut_and_read
    passage = read.passages[7]
    assert read.passage(passage.id) is passage and read.passages[7] is passage
    for sentence in passage.sentences:
        assert read.sentences[read.sentence_rows[sentence.id]] is sentence
    assert passage.text == read.document(passage.doc_id).raw[passage.start:passage.end]
    assert read.passages[-1] == read.passages[len(read.passages) - 1]
    with pytest.raises(IndexError):
        read.passages[len(read.passages)]


def test_a_damaged_cache_folder_is_cut_again(tmp_path):
    load_corpus_cached(None, tmp_path)
    folder = next(tmp_path.iterdir())
    texts = folder / "texts.npy"
    texts.write_bytes(texts.read_bytes()[:-500])  # truncated: the text offsets no longer fit
    again = load_corpus_cached(None, tmp_path)
    assert list(again.passages) == list(load_corpus().passages)
    assert len(list(tmp_path.iterdir())) == 1  # one corpus per data dir


def test_a_start_with_a_current_index_builds_only_the_passages_it_reads(tmp_path, monkeypatch):
    """A corpus with a generated document: the second start cuts, embeds and analyses nothing, and
    builds none of the generated document's passages (nothing at start reads them)."""
    import corpus.corpus_cache
    from benchmarks.synthetic_corpus import write_corpus
    from bot.engine import Engine
    from bot.settings import Settings

    settings = Settings(data_dir=tmp_path / "data", manifest=write_corpus(tmp_path / "corpus", 150, seed=5))
    first = Engine.from_settings(settings)
    synthetic = next(d.id for d in first.corpus.documents if d.id.endswith("_synthetic"))
    question = "What were the IMerge TI rates?"
    answer = first.ask(question)

    def no_cutting(*args, **kwargs):
        raise AssertionError("a start with a current cut corpus cut the documents again")

    monkeypatch.setattr(corpus.corpus_cache, "load_corpus", no_cutting)
    again = Engine.from_settings(settings)
    assert not again.build.rebuilt and again.build.vectors_copied == 0 and again.build.lexical.loaded
    store = again.corpus.store
    assert not store.built_rows & set(store.rows_of(synthetic)), "start built the generated document's passages"
    assert len(store.built_rows) < len(again.corpus.passages)
    again_answer = again.ask(question)
    assert again_answer.answer == answer.answer
    assert [c.model_dump() for c in again_answer.citations] == [c.model_dump() for c in answer.citations]
