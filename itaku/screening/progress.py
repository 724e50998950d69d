"""A one-line progress bar for `itaku screen`: count, rate and ETA on a terminal, nothing elsewhere;
in the language --lang set (the wording catalogue's `progress.bar`)."""

from __future__ import annotations

import time
from typing import TextIO

from itaku.engine.wording import phrase

WIDTH = 24
INTERVAL = 0.1  # seconds between redraws: a redraw per proposal would cost more than screening


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """Draws `[#####.....] 120/1000 件  12% 毎秒 350.2 件 残り 0:00:02` on `stream` when `enabled`
    (`… 350.2/s ETA 0:00:02` in English).

    `note(line)` prints a message (a bad file) above the bar without garbling it.
    """

    def __init__(self, stream: TextIO, total: int, enabled: bool) -> None:
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.done = 0
        self._start = time.monotonic()
        self._drawn = 0.0

    def advance(self, n: int = 1) -> None:
        """Count `n` more proposals done; redraw at most every INTERVAL seconds."""
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= INTERVAL or self.done == self.total):
            self._drawn = now
            self._draw(now)

    def note(self, line: str) -> None:
        """Print one line (on stderr, above the bar)."""
        if self.enabled:
            self.stream.write("\r\x1b[2K")
        self.stream.write(line + "\n")
        if self.enabled:
            self._draw(time.monotonic())
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, now: float) -> None:
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        share = self.done / self.total if self.total else 1.0
        filled = int(WIDTH * share)
        eta = _clock((self.total - self.done) / rate) if rate > 0 else "-:--:--"
        bar = "#" * filled + "." * (WIDTH - filled)
        self.stream.write("\r" + phrase("progress.bar", bar=bar, done=self.done, total=self.total, share=share, rate=rate, eta=eta))
        self.stream.flush()
