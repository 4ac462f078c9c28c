"""The plain LlamaIndex starter pipeline, retrieval only: what `eval --baseline` compares to.

VectorStoreIndex over a Chroma collection, default chunking (SentenceSplitter with its
defaults), similarity_top_k=2 and the same embedding model as the assistant. It reads
the same document bodies the assistant reads, so the comparison is about the pipeline.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .corpus import Corpus

TOP_K = 2  # the starter's similarity_top_k
COLLECTION = "starter"


@dataclass
class BaselineHit:
    """One retrieved chunk of the starter pipeline."""

    node_id: str
    text: str
    score: float


class StarterPipeline:
    """VectorStoreIndex + Chroma + SentenceSplitter defaults + top-2, built from scratch."""

    name = "llamaindex-starter"

    def __init__(self, corpus: Corpus, data_dir: str | Path, model_path: str):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import Document, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.vector_stores.chroma import ChromaVectorStore

        folder = Path(data_dir) / "baseline"
        # Rebuilt every run: the baseline must not drift with a stale collection.
        shutil.rmtree(folder, ignore_errors=True)
        client = chromadb.PersistentClient(
            path=str(folder), settings=ChromaSettings(anonymized_telemetry=False)
        )
        store = ChromaVectorStore(chroma_collection=client.create_collection(COLLECTION))
        documents = [
            Document(text=d.text, metadata={"file_name": d.path, "title": d.title})
            for d in corpus.documents
        ]
        self.chunks = SentenceSplitter().get_nodes_from_documents(documents)
        embed_model = HuggingFaceEmbedding(model_name=model_path, device="cpu")
        index = VectorStoreIndex(
            self.chunks,
            storage_context=StorageContext.from_defaults(vector_store=store),
            embed_model=embed_model,
        )
        self._retriever = index.as_retriever(similarity_top_k=TOP_K)

    def chunk_texts(self) -> list[str]:
        """Every chunk the starter indexed (to count the gold ones)."""
        return [node.get_content() for node in self.chunks]

    def retrieve(self, question: str) -> tuple[list[BaselineHit], float]:
        """The top-2 chunks for a question, and the time it took in ms."""
        started = time.perf_counter()
        found = self._retriever.retrieve(question)
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        hits = [BaselineHit(n.node.node_id, n.node.get_content(), n.score or 0.0) for n in found]
        return hits, elapsed
