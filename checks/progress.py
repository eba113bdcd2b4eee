"""A progress bar for long runs: counts, the current item, elapsed time and an ETA.

On a terminal the bar redraws in place; otherwise (CI logs, pipes) it prints one line per
finished item, so logs stay readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 24


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}:{secs:02d}"


class Progress:
    def __init__(self, total: int, label: str, stream: TextIO | None = None, enabled: bool = True):
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and total > 0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.done = 0
        self.start = time.monotonic()
        self.current = ""

    def _line(self, note: str = "") -> str:
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        filled = int(BAR_WIDTH * self.done / self.total)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        eta_text = _clock(eta) if self.done else "?"
        text = (
            f"{self.label} [{bar}] {self.done}/{self.total} {self.current}"
            f" | {_clock(elapsed)} elapsed, ETA {eta_text}"
        )
        return f"{text} | {note}" if note else text

    def begin(self, item: str) -> None:
        self.current = item
        if self.enabled and self.tty:
            self._draw(self._line())

    def note(self, text: str) -> None:
        if self.enabled and self.tty:
            self._draw(self._line(text))

    def advance(self, outcome: str = "") -> None:
        self.done += 1
        if not self.enabled:
            return
        if self.tty:
            self._draw(self._line(outcome))
        else:
            self.stream.write(self._line(outcome) + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, text: str) -> None:
        self.stream.write("\r\x1b[2K" + text[:200])
        self.stream.flush()
