"""The benchmark's own parts (`bench/run.py`): its corpora are deterministic and valid, and its
probes of the machine return a speed-up. The timings themselves are not tested here."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from click.testing import CliRunner

from kconv.cli import cli

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kconv_bench_run", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _contents(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_manifest_corpus_is_the_same_every_time(bench: ModuleType, tmp_path: Path) -> None:
    first = bench.make_manifests(tmp_path / "a", 300)
    second = bench.make_manifests(tmp_path / "b", 300)
    assert [path.name for path in first] == [path.name for path in second]
    assert _contents(tmp_path / "a") == _contents(tmp_path / "b")
    other_seed = bench.make_manifests(tmp_path / "c", 300, seed=7)
    assert _contents(tmp_path / "c") != _contents(tmp_path / "a")
    assert len(other_seed) == len(first) == 100  # three manifests per file


def test_manifest_corpus_is_valid_kubernetes(bench: ModuleType, tmp_path: Path) -> None:
    """Schema errors would send the benchmark down the error paths instead of the usual ones:
    the corpus has best-practice findings, never an error."""
    bench.make_manifests(tmp_path / "m", 300)
    result = CliRunner().invoke(cli, ["lint", "--format", "json", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["objects"] == 300
    severities = {finding["severity"] for finding in report["findings"]}
    assert severities and "error" not in severities


def test_compose_corpus_converts(bench: ModuleType, tmp_path: Path) -> None:
    compose = bench.make_compose(tmp_path / "compose.yaml", 12)
    result = CliRunner().invoke(cli, ["convert", "-f", str(compose)])
    assert result.exit_code == 0, result.output
    kinds = [document["kind"] for document in yaml.safe_load_all(result.stdout) if document]
    assert kinds.count("Deployment") + kinds.count("StatefulSet") == 12


def test_python_ceiling_is_a_speed_up(bench: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "LOOP_STEPS", 20_000)
    ratio = bench.python_ceiling(2)
    assert isinstance(ratio, float) and ratio > 0
