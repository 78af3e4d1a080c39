"""The instruct models that measure the LLM judge (Qwen2.5-Coder GGUFs installed by scripts/install-judge-models),
and a real llama.cpp server for one of them. Measurement tools only: the app never loads these.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from tests.support.llama_server import LlamaServer


@dataclass(frozen=True)
class JudgeModel:
    key: str  # as scripts/install-judge-models and bench/judge_quality.py name it
    file_stem: str
    size: int  # the joined GGUF's exact size in bytes

    @property
    def path(self) -> Path:
        return models_dir() / f"{self.file_stem}.gguf"


JUDGE_MODELS = {
    model.key: model
    for model in (
        JudgeModel("0.5b", "qwen2.5-coder-0.5b-instruct-q4_k_m", 491_400_064),
        JudgeModel("1.5b", "qwen2.5-coder-1.5b-instruct-q4_k_m", 1_117_320_768),
    )
}

# Prompt (~1,500 tokens for the largest rubric) plus the longest reply the judge may write.
JUDGE_N_CTX = 4096


def models_dir() -> Path:
    """Where scripts/install-judge-models puts the joined GGUFs."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "tpm_coach" / "judge-models"


def judge_gguf(key: str) -> Path | None:
    """The installed GGUF, or None when it is missing or incomplete (a size other than the expected one)."""
    model = JUDGE_MODELS[key]
    try:
        return model.path if model.path.stat().st_size == model.size else None
    except OSError:
        return None


def missing_judge(key: str) -> str:
    """Why the judge model cannot run here, or '' when llama_cpp and its GGUF are both installed."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (scripts/install-model-server .venv/bin)"
    if judge_gguf(key) is None:
        return (
            f"the {key} judge model is not installed at {JUDGE_MODELS[key].path} "
            f"(run scripts/install-judge-models .venv/bin {key})"
        )
    return ""


def judge_server(
    key: str, log_path: Path, *, n_ctx: int = JUDGE_N_CTX, lazy_grammar: bool = True, threads: int = 2
) -> LlamaServer:
    """A llama.cpp server for the judge model, not yet started (use it as a context manager).

    The server's prompt cache (`--cache true`) stays off: in llama-cpp-python 0.3.36 each saved state copies the
    logits of the whole context (4096 x 152k floats, 2.5 GB for Qwen) outside the cache's size limit, and a run of
    the 1.5B model grew to 23 GB and was killed for want of memory. Without it the server still reuses what the
    previous prompt shares with the next, so answers scored one question at a time only evaluate their own text.
    `lazy_grammar` checks the
    schema on the likeliest token first (tests/support/lazy_grammar_server.py): the same replies at temperature 0,
    without the ~70 ms a token that filtering the whole vocabulary costs here; without it the server is
    llama-cpp-python's own. On cores that other work keeps busy,
    `threads=1` is steadier than 2: llama.cpp's threads wait for each other at every step, so one thread that loses
    its core stalls both (docs/judge-quality.md has the measurements).
    """
    gguf = judge_gguf(key)
    if gguf is None:
        raise RuntimeError(missing_judge(key))
    module = "tests.support.lazy_grammar_server" if lazy_grammar else "llama_cpp.server"
    options = ["--n_threads", str(threads), "--n_threads_batch", str(threads)]
    return LlamaServer(log_path, n_ctx, gguf=gguf, options=options, module=module)
