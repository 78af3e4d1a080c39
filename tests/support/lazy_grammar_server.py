"""llama-cpp-python's OpenAI server with greedy, grammar-constrained sampling done lazily, to measure the judge.

llama-cpp-python filters the whole vocabulary through a reply's grammar (the JSON schema) before picking each token.
With Qwen's 152k-token vocabulary that costs about 70 ms a token on this machine, as much as a 0.5B model's own step.
At temperature 0 the pick is the likeliest token the grammar allows, so checking the likeliest token first and
filtering the whole vocabulary only when the grammar refuses it picks exactly the same token, as llama.cpp's own
server does. Any other sampling (a temperature, mirostat, logits processors) is left to llama-cpp-python as it is.

    python -m tests.support.lazy_grammar_server --model X.gguf ...   (the arguments of llama_cpp.server)
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp.llama import Llama
from llama_cpp.server.__main__ import main

_stock_init_sampler = Llama._init_sampler


class LazyGreedyGrammar:
    """Stands in for llama-cpp-python's sampler chain penalties -> grammar -> greedy, with the same result."""

    def __init__(self, llama: Llama, grammar: Any, penalties: tuple[int, float, float, float]) -> None:
        self.n_vocab = llama.n_vocab()
        self.grammar = llama_cpp.llama_sampler_init_grammar(
            llama._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        self.penalties = llama_cpp.llama_sampler_init_penalties(self.n_vocab, *penalties)
        self._all = (llama_cpp.llama_token_data * self.n_vocab)()
        self._rows = np.ctypeslib.as_array(self._all)
        self._ids = np.arange(self.n_vocab, dtype=np.int32)
        self._one = (llama_cpp.llama_token_data * 1)()

    def sample(self, ctx: Any, idx: int = -1) -> int:
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(ctx.ctx, idx), shape=(self.n_vocab,))
        self._rows["id"] = self._ids
        self._rows["logit"] = logits
        self._rows["p"] = 0.0
        candidates = llama_cpp.llama_token_data_array(self._all, self.n_vocab, -1, False)
        llama_cpp.llama_sampler_apply(self.penalties, ctypes.byref(candidates))
        token = int(np.argmax(self._rows["logit"]))  # the first of equal maxima, as llama.cpp's greedy sampler
        if not self._allows(token):
            llama_cpp.llama_sampler_apply(self.grammar, ctypes.byref(candidates))
            token = int(np.argmax(self._rows["logit"]))
        llama_cpp.llama_sampler_accept(self.penalties, token)
        llama_cpp.llama_sampler_accept(self.grammar, token)
        return token

    def _allows(self, token: int) -> bool:
        self._one[0].id, self._one[0].logit, self._one[0].p = token, 0.0, 0.0
        single = llama_cpp.llama_token_data_array(self._one, 1, -1, False)
        llama_cpp.llama_sampler_apply(self.grammar, ctypes.byref(single))
        return not math.isinf(self._one[0].logit)

    def accept(self, token: int) -> None:
        llama_cpp.llama_sampler_accept(self.penalties, token)
        llama_cpp.llama_sampler_accept(self.grammar, token)

    def reset(self) -> None:
        llama_cpp.llama_sampler_reset(self.penalties)
        llama_cpp.llama_sampler_reset(self.grammar)

    def close(self) -> None:
        for sampler in (self.penalties, self.grammar):
            llama_cpp.llama_sampler_free(sampler)
        self.penalties = self.grammar = None

    def __del__(self) -> None:
        if self.grammar is not None:
            self.close()


def _init_sampler(self: Llama, **options: Any) -> Any:
    plain_greedy = (
        options.get("grammar") is not None
        and options.get("temp") == 0.0
        and not options.get("logits_processor")
        and not options.get("mirostat_mode")
    )
    if not plain_greedy:
        return _stock_init_sampler(self, **options)
    penalties = (
        self.last_n_tokens_size,
        options.get("repeat_penalty", 1.0),
        options.get("frequency_penalty", 0.0),
        options.get("presence_penalty", 0.0),
    )
    return LazyGreedyGrammar(self, options["grammar"], penalties)


if __name__ == "__main__":
    Llama._init_sampler = _init_sampler  # type: ignore[method-assign]
    main()
