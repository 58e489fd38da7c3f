"""Work done beside the page rendering: the charts and PDF packs, in threads of their own.

Each thread only waits on its worker processes and writes the files they send back, so
the build's main thread renders the pages meanwhile: on two cores a first build no
longer leaves one idle while the pages are rendered, nor the workers idle after them.
Nothing a thread runs reads a template or the language in force (the specs and the
packs' HTML are made before, in the main thread), and each writes files of its own.

Whatever ends the ``with`` early (an error, SIGINT, SIGTERM) stops the threads' work at
their next result, their worker processes with it (``rendering.rendered``), before the
``with`` is left: nothing outlives the build.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class Beside:
    """Run functions in threads; ``run(function, *args)`` passes ``stop=`` the event that
    the ``with`` sets if it is left by an exception."""

    def __init__(self, threads: int = 2) -> None:
        self.stop = threading.Event()
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="kpi-beside")

    def run(self, function: Callable, *args) -> Future:
        return self._pool.submit(function, *args, stop=self.stop)

    def __enter__(self) -> Beside:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            self.stop.set()
        self._pool.shutdown(wait=True)
