"""SIGINT and SIGTERM during a build: unwind it, so that every clean-up on the way runs.

Without this, SIGTERM ends the process on the spot (its chart workers and staging folder
left behind), and SIGINT raises ``KeyboardInterrupt``, which the command line shows as a
traceback. While a ``StopSignals`` is active, either signal raises ``Stopped`` where the
build is; it derives from ``BaseException``, so that no ``except Exception`` on the way
(Pelican has several) takes it for an error to log and carry on from.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

logger = logging.getLogger(__name__)

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """A stop signal came while the build ran."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)


class StopSignals:
    """Turns SIGINT and SIGTERM into ``Stopped`` while active (in the main thread only:
    Python delivers signals to no other)."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._deferring = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc_info) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None:
            return  # already stopping: a second Ctrl-C must not cut the clean-up short
        self.received = signum
        if self._deferring:
            logger.warning(
                "%s came as the new site was put in place: it is finished first",
                signal.Signals(signum).name,
            )
            return
        raise Stopped(signum)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """A stretch no stop may cut in two (the swap and its record): a signal that comes
        meanwhile lets it finish."""
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
