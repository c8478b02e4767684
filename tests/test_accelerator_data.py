"""mlblueprints/data/accelerators.json: public device figures with sources, rebuilt by a script."""

from __future__ import annotations

import json

from mlblueprints.advisor import load_specs
from scripts import refresh_accelerators

COMMITTED = json.loads(refresh_accelerators.OUT.read_text())


def test_the_committed_file_equals_the_rebuild(capsys):
    assert refresh_accelerators.main(["--check"]) == 0
    assert refresh_accelerators.build(COMMITTED["as_of"]) == COMMITTED


def test_every_figure_cites_a_listed_source_or_says_why_not():
    for name, entry in COMMITTED["accelerators"].items():
        assert entry["source"] in COMMITTED["sources"] or (entry["source"] == "none" and entry["note"]), name


def test_sparsity_figures_are_not_used_as_dense_ones():
    # NVIDIA quotes H100 SXM bf16 as 1,979 TFLOPS with sparsity: dense is half.
    assert COMMITTED["accelerators"]["h100"]["dense_tflops"]["bf16"] == 989.5
    assert COMMITTED["accelerators"]["trainium"]["dense_tflops"]["bf16"] == 190  # Neuron docs, per chip
    assert COMMITTED["accelerators"]["trainium2"]["memory_bandwidth_gbs"] == 2900


def test_the_a100_bandwidth_follows_its_memory_size():
    a100 = load_specs().devices["a100"]
    assert (a100.bandwidth(40), a100.bandwidth(80)) == (1555, 2039)


def test_neuron_frameworks_run_only_on_aws_chips_and_cuda_ones_only_on_nvidia():
    frameworks = COMMITTED["frameworks"]
    neuron = {"trainium", "trainium2", "inferentia", "inferentia2"}
    for name, framework in frameworks.items():
        chips = set(framework["accelerators"])
        assert chips <= neuron if "neuron" in name else not chips & neuron, name


def test_a_catalog_model_without_figures_or_a_figure_without_a_source_is_refused(tmp_path, monkeypatch):
    import pytest

    source = refresh_accelerators.SOURCE.read_text()
    missing = tmp_path / "missing.yaml"
    missing.write_text(source.replace("  gaudi:\n", "  gaudi-removed:\n"))
    monkeypatch.setattr(refresh_accelerators, "SOURCE", missing)
    with pytest.raises(ValueError, match=r"missing \['gaudi'\], unknown \['gaudi-removed'\]"):
        refresh_accelerators.build("2026-11-30")
    unsourced = tmp_path / "unsourced.yaml"
    unsourced.write_text(source.replace("t4: {source: nvidia-t4,", "t4: {source: a-blog,"))
    monkeypatch.setattr(refresh_accelerators, "SOURCE", unsourced)
    with pytest.raises(ValueError, match="t4: source 'a-blog' is not listed"):
        refresh_accelerators.build("2026-11-30")
