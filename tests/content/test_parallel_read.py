"""Reading a content folder on several processes gives what one process gives, problems too."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from ketref.content import parallel_read
from ketref.content.reader import read_content_folder
from ketref.domain.errors import ContentError
from tests.conftest import SHIPPED_CONTENT


@pytest.fixture
def in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every folder counts as large, files go out one or two at a time, and one worker
    is started even on a single core."""
    monkeypatch.setattr(parallel_read, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(parallel_read, "CHUNK_BYTES", 8 * 1024)
    monkeypatch.setattr(parallel_read, "worker_count", lambda: 1)


def test_the_shipped_content_read_in_workers_is_the_same(in_workers: None) -> None:
    in_parallel = read_content_folder(SHIPPED_CONTENT)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parallel_read, "PARALLEL_FROM_BYTES", 1 << 60)
        in_one = read_content_folder(SHIPPED_CONTENT)
    assert in_parallel == in_one


def test_problems_found_in_workers_name_their_files_in_order(
    in_workers: None, tmp_path: Path
) -> None:
    root = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, root)
    (root / "side-effects" / "aaa-broken.yaml").write_text("- slug: x\n  title: [unclosed\n")
    (root / "indications" / "zzz-bad.yaml").write_text("- slug: Bad Slug\n")
    with pytest.raises(ContentError) as info:
        read_content_folder(root)
    files = [p.split(":")[0] for p in info.value.problems]
    assert files.index("indications/zzz-bad.yaml") < files.index("side-effects/aaa-broken.yaml")
    assert any(p.startswith("side-effects/aaa-broken.yaml: line ") for p in info.value.problems)


def test_without_workers_this_process_reads_everything(
    in_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_pool(*args: object, **kwargs: object) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(parallel_read, "ProcessPoolExecutor", broken_pool)
    assert read_content_folder(SHIPPED_CONTENT).release.version


def _pid_after_a_while(job: int) -> tuple[int, int]:
    time.sleep(0.05)
    return job, os.getpid()


def test_workers_and_this_process_share_the_files_and_keep_their_order(in_workers: None) -> None:
    results = parallel_read.map_files(_pid_after_a_while, list(range(60)), [4096] * 60)
    assert [job for job, _ in results] == list(range(60))
    pids = {pid for _, pid in results}
    assert os.getpid() in pids  # this process read from the end while the worker started
    assert len(pids) == 2  # and the worker read from the start


def _die_in_a_worker(job: int) -> int:
    if os.environ.get("PARALLEL_READ_TEST_PARENT") != str(os.getpid()):
        os._exit(3)  # a worker killed mid-read
    time.sleep(0.01)
    return job


def test_a_worker_that_dies_leaves_its_files_to_this_process(
    in_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARALLEL_READ_TEST_PARENT", str(os.getpid()))
    assert parallel_read.map_files(_die_in_a_worker, list(range(40)), [4096] * 40) == list(
        range(40)
    )
