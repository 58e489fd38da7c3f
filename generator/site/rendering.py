"""Rendering chart specs to SVG and PNG files with vl-convert: through the chart cache,
and across every core when there are enough charts to pay for starting the workers.

The workers are spawned, not forked (a forked vl-convert has been seen to hang), so
this module imports nothing heavy: each worker loads only it and vl-convert. A build
that stops early (an error, SIGINT, SIGTERM) stops its workers at once, mid-chart: none
outlives it. They ignore SIGINT, so that Ctrl-C, which a terminal sends to every process
of the build, stops the build through its main process alone.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import vl_convert

from ..register.chartcache import ChartCache

# A link preview (og:image) wants about 1200 px across: twice the chart's ~630 px.
PNG_SCALE = 2.0
# What a cached file depends on besides its spec: a new vl-convert, scale or id scheme
# renders differently, so it must not be served from an older build's cache.
RENDERER = f"vl-convert {vl_convert.__version__}; png scale {PNG_SCALE}; stable ids 1"
# Starting a worker (Python, then vl-convert's JavaScript runtime) takes ~0.5 s of CPU,
# and a target's SVG and PNG ~50 ms: with two cores, fewer misses than this are
# rendered sooner in-process.
PARALLEL_MIN = 24
# A progress bar only for builds long enough to wonder about.
PROGRESS_MIN = 50


@dataclass(frozen=True)
class ChartJob:
    """One chart to publish: its spec and the site path of each format wanted."""

    grammar: str
    """``vega`` or ``vega-lite``."""
    spec: str
    """The spec as canonical JSON (``canonical_json``): what is rendered and hashed."""
    outputs: tuple[tuple[str, str], ...]
    """(format, site-relative path) pairs, format ``svg`` or ``png``."""

    def key(self, fmt: str) -> str:
        """The cache key of this chart in ``fmt``: same key, same bytes."""
        text = f"{RENDERER}\n{self.grammar}\n{fmt}\n{self.spec}"
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class RenderedCharts:
    """How many chart files a build rendered and how many it took from the cache."""

    rendered: int = 0
    cached: int = 0
    kept: int = 0
    """Files kept from an earlier build, whose spec was not even made (``memo``)."""


def canonical_json(spec: dict) -> str:
    """``spec`` as JSON with sorted keys and no spaces: equal specs give equal text."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chart_job(grammar: str, spec: dict, outputs: Iterable[tuple[str, str]]) -> ChartJob:
    """A job rendering ``spec`` (Vega or Vega-Lite) to each (format, path) of ``outputs``."""
    return ChartJob(grammar, canonical_json(spec), tuple(outputs))


# Where compiled Vega-Lite specs are kept between builds (``keep_compiled``): compiling
# the first one costs vl-convert about a second of start-up, which a rebuild that
# changed one target would otherwise pay for its one chart.
_compiled = ChartCache(None)


def keep_compiled(folder) -> None:
    """Keep compiled specs in ``folder`` (None: nowhere), for this process's builds."""
    global _compiled
    _compiled = ChartCache(folder)


def compile_vegalite(spec: dict) -> dict:
    """The Vega spec a Vega-Lite spec compiles to: kept by a hash of the spec and
    vl-convert's version, so the same spec always gives the same Vega."""
    text = canonical_json(spec)
    key = hashlib.sha256(f"{RENDERER}\nvega-lite to vega\n{text}".encode()).hexdigest()
    kept = _compiled.get(key)
    if kept is not None:
        return json.loads(kept)
    vega = vl_convert.vegalite_to_vega(spec)
    _compiled.put(key, canonical_json(vega).encode())
    return vega


class Cancelled(Exception):
    """The build stopped (an error, SIGINT, SIGTERM) while this work went on beside it."""


def render_charts(
    jobs: list[ChartJob], cache: ChartCache, write: Callable[[str, bytes], None], console=None,
    stop=None,
) -> RenderedCharts:  # fmt: skip
    """Hand every file of ``jobs`` to ``write`` (site path, bytes) as soon as it is ready:
    from ``cache`` where it holds it, rendered otherwise. Nothing is kept: a register of
    10,000 targets has some 3 GB of charts.

    ``console`` (a rich Console) shows a progress bar while many charts are rendered.
    ``stop`` (a ``threading.Event``), once set, stops the rendering (``Cancelled``).
    """
    counts = RenderedCharts()
    todo = []  # (job number, worker task) for each job with a file missing
    for i, job in enumerate(jobs):
        missing, svg = [], None
        for fmt, path in job.outputs:
            data = cache.get(job.key(fmt))
            if data is None:
                missing.append(fmt)
                continue
            write(path, data)
            counts.cached += 1
            svg = data if fmt == "svg" else svg
        if missing:
            todo.append((i, (job.grammar, job.spec, tuple(missing), svg)))
    with rendered([task for _, task in todo], console, stop=stop) as results:
        for (i, _), made in zip(todo, results, strict=True):
            paths = dict(jobs[i].outputs)
            for fmt, data in made.items():
                cache.put(jobs[i].key(fmt), data)
                write(paths[fmt], data)
                counts.rendered += 1
    return counts


@contextmanager
def rendered(
    tasks: list, console, function: Callable = None, parallel_min: int | None = None,
    label: str = "Rendering charts", stop=None,
) -> Iterator[Iterator]:  # fmt: skip
    """``function`` (a chart task's files by default) of each of ``tasks``, in order, in
    worker processes when there are at least ``parallel_min`` (PARALLEL_MIN); whatever
    ends the ``with`` ends the work. ``function`` must be a module-level function of plain
    arguments whose module imports nothing heavy: the briefing packs use it too. Once
    ``stop`` (a ``threading.Event``) is set, the next result raises ``Cancelled``: work
    done beside the page rendering stops with the build."""
    function = function or _render_task
    parallel_min = PARALLEL_MIN if parallel_min is None else parallel_min
    if len(tasks) < parallel_min:
        results = _until(_with_progress(map(function, tasks), len(tasks), console, label), stop)
        try:
            yield results
        finally:
            results.close()
        return
    workers = min(os.cpu_count() or 1, len(tasks))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start) as pool:
        # Small chunks: few round trips, yet the progress bar still moves smoothly.
        chunks = pool.map(function, tasks, chunksize=4)
        results = _until(_with_progress(chunks, len(tasks), console, label), stop)
        try:
            yield results
        except BaseException:
            # Leaving the pool would wait for every chart already handed out.
            _stop_workers(pool)
            raise
        finally:
            results.close()


def _until(results: Iterator, stop) -> Iterator:
    for result in results:
        if stop is not None and stop.is_set():
            raise Cancelled("the build stopped")
        yield result


def _worker_start() -> None:
    # Ctrl-C reaches the workers too: the main process alone decides, and stops them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End ``pool``'s workers now, mid-chart, and drop the work not yet started."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14 and later
    if terminate is not None:
        terminate()
        return
    # Before 3.14 the executor has no public way to stop its workers; its process table is
    # the one it would use. (multiprocessing.Pool has terminate(), but waits for ever when a
    # worker dies, as an out-of-memory kill would do; the executor reports it.)
    processes = list((pool._processes or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()


def _with_progress(results: Iterator, total: int, console, label: str) -> Iterator:
    if console is None or not console.is_terminal or total < PROGRESS_MIN:
        yield from results
        return
    from rich.progress import Progress

    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task(label, total=total)
        for result in results:
            progress.advance(bar)
            yield result


def _render_task(task: tuple) -> dict[str, bytes]:
    return render(*task)


def render(grammar: str, spec: str, formats: tuple[str, ...], svg: bytes | None = None) -> dict:
    """Render the ``spec`` (canonical JSON) to each of ``formats``; ``svg``: one made before.

    Runs in the workers, so it is a plain module-level function of plain arguments.
    """
    if svg is None:
        convert = vl_convert.vega_to_svg if grammar == "vega" else vl_convert.vegalite_to_svg
        svg = stable_ids(convert(spec)).encode()
    made = {"svg": svg}
    if "png" in formats:
        # From the SVG: rasterising it again costs far less than laying the chart out again.
        made["png"] = vl_convert.svg_to_png(svg.decode(), scale=PNG_SCALE)
    return {fmt: made[fmt] for fmt in formats}


_NUMBERED_ID = re.compile(r'id="([A-Za-z]+_)(\d+)"')


def stable_ids(svg: str) -> str:
    """Renumber ids such as ``gradient_7`` from 0 within the document.

    vl-convert numbers gradients with a counter that lives as long as the process, so the
    same chart would otherwise differ from build to build, and from worker to worker.
    """
    names = {}
    for prefix, number in _NUMBERED_ID.findall(svg):
        old = prefix + number
        names.setdefault(old, f"{prefix}{len(names)}")
    if not names:
        return svg
    pattern = re.compile(r'(?<=id=")(%s)(?=")|(?<=url\(#)(%s)(?=\))' % (("|".join(names),) * 2))
    return pattern.sub(lambda m: names[m.group(0)], svg)
