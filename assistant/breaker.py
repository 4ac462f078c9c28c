"""A circuit breaker for an outside service (the LLM endpoint, a Chroma server): after
some failures in a row it is left alone for a while, so every question does not wait
out a timeout again, then one call tries it again."""

from __future__ import annotations

import threading
import time


class Breaker:
    """Counts failures in a row; after `failures` of them, `pause` seconds of rest."""

    def __init__(self, failures: int, pause: float, clock=time.monotonic):
        self.failures, self.pause, self.clock = failures, pause, clock
        self.in_a_row = 0
        self._open_until = 0.0
        self._lock = threading.Lock()

    def resting(self) -> float:
        """Seconds the service is still left alone (0: call it). Once the pause is
        over, one call may try it; its result decides what follows."""
        with self._lock:
            left = self._open_until - self.clock()
            if left > 0:
                return left
            self._open_until = 0.0
            return 0.0

    def record(self, ok: bool) -> None:
        """Note how a call went."""
        with self._lock:
            self.in_a_row = 0 if ok else self.in_a_row + 1
            if self.in_a_row >= self.failures:
                self._open_until = self.clock() + self.pause
