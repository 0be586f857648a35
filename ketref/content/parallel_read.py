"""Reading many content files on every core: the files are independent, so each is parsed and
validated where a core is free, and only the validated models come back.

Most of a large load's reading is PyYAML and pydantic, which hold the GIL, so threads would not
help; worker processes do. They are started with ``spawn`` (the same on every platform, and safe
from a process that runs threads, as the window does), which costs each worker a fresh
interpreter and the content modules' imports (about half a second), so a small folder such as
the shipped content is read in this process. The calling process reads too: it takes files the
workers have not started, from the end of the list, so nothing waits for a worker to start.
A worker that cannot be started or dies leaves its files to this process: the result is the same
either way, only slower. As with any ``spawn``, a script that reads a large folder must start
under ``if __name__ == "__main__":`` (ketref's own entry points do).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar, cast

log = logging.getLogger(__name__)

PARALLEL_FROM_BYTES = 8 * 1024 * 1024
"""Below this many bytes of files (the shipped content is about 0.5 MB) one process reads all."""
MAX_WORKERS = 7
CHUNK_BYTES = 1024 * 1024
"""Files are handed out in groups of about this size: fewer round trips, still balanced."""

Job = TypeVar("Job")
Result = TypeVar("Result")


def _worker_start() -> None:
    gc.disable()  # see ketref.services.gc_pause: the worker's objects live until it returns


def _run_all(work: Callable[[Job], Result], jobs: Sequence[Job]) -> list[Result]:
    return [work(job) for job in jobs]


def _chunks(jobs: Sequence[Job], sizes: Sequence[int]) -> list[list[int]]:
    """Indexes of ``jobs`` in consecutive groups of about CHUNK_BYTES."""
    groups: list[list[int]] = [[]]
    size = 0
    for index, job_size in enumerate(sizes):
        if groups[-1] and size + job_size > CHUNK_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(index)
        size += job_size
    return groups


def worker_count() -> int:
    """Worker processes beside this one: one fewer than the cores this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return max(0, min(MAX_WORKERS, cores - 1))


def map_files(
    work: Callable[[Job], Result], jobs: Sequence[Job], sizes: Sequence[int]
) -> list[Result]:
    """``[work(job) for job in jobs]``, in that order, spread over worker processes when the
    files (``sizes`` in bytes, one per job) are large enough to pay for starting them.

    ``work`` must be a module-level function (workers import it by name); its exceptions are
    raised here as they would be without workers.
    """
    workers = worker_count()
    if workers == 0 or sum(sizes) < PARALLEL_FROM_BYTES:
        return [work(job) for job in jobs]
    groups = _chunks(jobs, sizes)
    results: list[Result | None] = [None] * len(jobs)
    try:
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(groups)),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_start,
        )
    except (OSError, ValueError) as exc:
        log.info("reading in one process: no worker could be started (%s)", exc)
        return [work(job) for job in jobs]
    with pool:
        waiting = deque(range(len(groups)))
        running: dict[int, Future[list[Result]]] = {}
        while waiting or running:  # with no worker left, this process reads what waits
            # Keep every worker busy with the next groups from the start ...
            while waiting and len(running) < 2 * workers:
                index = waiting.popleft()
                try:
                    running[index] = pool.submit(_run_all, work, [jobs[i] for i in groups[index]])
                except BrokenProcessPool:  # a worker died: the rest is read here
                    waiting.appendleft(index)
                    workers = 0
                    break
            # ... while this process reads one from the end, or waits when none is left.
            if waiting:
                for i in groups[waiting.pop()]:
                    results[i] = work(jobs[i])
                finished = [index for index, future in running.items() if future.done()]
            else:
                finished = [next(iter(running))]
            for index in finished:
                group = groups[index]
                try:
                    done = running.pop(index).result()
                except BrokenProcessPool as exc:
                    log.info("a reading worker stopped (%s); its files are read here", exc)
                    done = [work(jobs[i]) for i in group]
                for i, result in zip(group, done, strict=True):
                    results[i] = result
    return cast(list[Result], results)
