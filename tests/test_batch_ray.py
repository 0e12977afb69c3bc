"""--executor ray on a local one-CPU Ray instance: the same tasks, the manifest written by the
driver, a hanging item cancelled at the timeout, the rest converted for real."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from toolkit.batch import BatchSettings, ItemResult, Job, Manifest, convert, run_batch

ray = pytest.importorskip("ray")

VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nhello from the cluster {n}\n"


def hang_or_convert(job: Job, progress: object = None) -> ItemResult:
    if "hang" in job.path.name:
        time.sleep(300)
    return convert(job)


@pytest.fixture(scope="module")
def local_ray() -> object:
    # the fake above travels by value: Ray's workers cannot import this test module
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    yield ray
    ray.shutdown()


def test_ray_executor_converts_records_and_times_out(local_ray: object,
                                                     tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    (src / "a").mkdir(parents=True)
    for n in range(2):
        (src / "a" / f"talk{n}.vtt").write_text(VTT.format(n=n), encoding="utf-8")
    (src / "hang.vtt").write_text(VTT.format(n=9), encoding="utf-8")
    (src / "broken.mp4").write_bytes(b"not a video at all" * 20)
    settings = BatchSettings(recursive=True, executor="ray", timeout=8)
    result = run_batch([str(src)], out, formats=("srt", "json"), settings=settings,
                       item_fn=hang_or_convert)
    errors = {Path(f.source).name: f.error for f in result.failures}
    assert result.done == 2 and set(errors) == {"hang.vtt", "broken.mp4"}
    assert errors["hang.vtt"].startswith("timed out after 8 s")
    for n in range(2):
        srt = (out / "a" / f"talk{n}.srt").read_text(encoding="utf-8")
        assert f"hello from the cluster {n}" in srt.lower()
    manifest = Manifest(out / "zimu-batch.sqlite")
    try:
        statuses = sorted(r.status for r in manifest.rows().values())
    finally:
        manifest.close()
    assert statuses == ["done", "done", "failed", "failed"]

    again = run_batch([str(src)], out, formats=("srt", "json"), settings=settings,
                      item_fn=hang_or_convert)
    assert (again.done, again.skipped, len(again.failures)) == (0, 2, 2)
