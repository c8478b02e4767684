"""mlblueprints/data/inference_containers.json is what scripts/refresh_serving.py builds from
scripts/serving_source.yaml and dlc_images.json, and the build refuses sources that disagree."""

from __future__ import annotations

import copy
import json

import pytest

from scripts import refresh_serving
from scripts.data_file import comparable, one_line_per_key, render
from scripts.refresh_serving import SourceError, build_from, processor_candidates


@pytest.fixture(scope="module")
def inputs() -> tuple[dict, dict, dict]:
    return (
        refresh_serving.load_source(),
        json.loads(refresh_serving.DLC.read_text()),
        json.loads(refresh_serving.INSTANCES.read_text()),
    )


def test_committed_file_is_what_the_script_builds():
    committed = json.loads(refresh_serving.OUT.read_text())
    built = refresh_serving.build()
    assert committed["frameworks"] == built["frameworks"]
    assert committed["multi_model_gpu_instance_types"] == built["multi_model_gpu_instance_types"]
    assert comparable(committed) == comparable(built), (
        "run .venv/bin/python scripts/refresh_serving.py"
    )
    assert committed["generated_by"] == "scripts/refresh_serving.py"
    assert json.loads(render(built, "frameworks", one_line_per_key)) == built


def test_hardware_is_given_only_where_dlc_images_cannot_decide_it(inputs):
    source, _, _ = inputs
    given = sorted(name for name, entry in source["frameworks"].items() if "hardware" in entry)
    # djl-*: no processor published; inferentia-pytorch: a bare "inf" (Inf1 or Inf2);
    # xgboost: bare version tags, one image for CPU and GPU (untagged_hardware says so).
    assert given == ["djl-lmi", "djl-neuronx", "inferentia-pytorch", "xgboost"]


@pytest.mark.parametrize(
    "processor, tokens, expected",
    [
        pytest.param("cpu", {}, {"cpu"}, id="cpu"),
        pytest.param("gpu", {"gpu": None}, {"gpu"}, id="gpu-without-tag-token"),
        pytest.param("inf", {"inf": "neuron"}, {"neuron"}, id="inf-built-on-neuron"),
        pytest.param("inf", {"inf": "neuronx"}, {"neuronx"}, id="inf-built-on-neuronx"),
        pytest.param("inf", {}, {"neuron", "neuronx"}, id="bare-inf-is-ambiguous"),
        pytest.param("inf2", {}, {"neuronx"}, id="inf2"),
        pytest.param("trn", {}, {"neuronx"}, id="trn"),
    ],
)
def test_processor_tokens_map_to_hardware_words(processor, tokens, expected):
    assert processor_candidates(processor, {"tokens": tokens}) == expected


def _framework(name: str):
    return lambda source, dlc, instances: source["frameworks"][name]


def _gpu_types(source, dlc, instances):
    return source["multi_model_gpu_instance_types"]["types"]


@pytest.mark.parametrize(
    "change, says",
    [
        pytest.param(lambda s, d, i: _gpu_types(s, d, i).append("ml.c5.xlarge"),
                     "ml.c5.xlarge is not a GPU type in instances.json (no accelerator)", id="cpu-type-listed-as-gpu"),
        pytest.param(lambda s, d, i: _gpu_types(s, d, i).append("ml.inf2.xlarge"),
                     "ml.inf2.xlarge is not a GPU type in instances.json (neuron)", id="inferentia-type-listed-as-gpu"),
        pytest.param(lambda s, d, i: _gpu_types(s, d, i).append("g5.xlarge"),
                     "g5.xlarge is not a SageMaker (ml.*) instance type", id="ec2-name"),
        pytest.param(lambda s, d, i: _gpu_types(s, d, i).append("ml.g5.3xlarge"),
                     "ml.g5.3xlarge is not in instances.json", id="typo"),
        pytest.param(lambda s, d, i: _gpu_types(s, d, i).append("ml.g5.xlarge"),
                     "ml.g5.xlarge is listed twice", id="duplicate"),
        pytest.param(lambda s, d, i: i["instances"].update({"ml.p3.2xlarge": {"ec2": "p3.2xlarge"}}),
                     "ml.p3.2xlarge: now in instances.json; drop it from multi_model_gpu_instance_types.not_in_catalog",
                     id="excused-type-joined-the-catalog"),
        pytest.param(lambda s, d, i: s["frameworks"].update({"pytorch-typo": copy.deepcopy(s["frameworks"]["pytorch"])}),
                     "pytorch-typo: not a framework in dlc_images.json", id="unknown-framework"),
        pytest.param(lambda s, d, i: s["frameworks"].pop("tensorflow"),
                     "tensorflow: dlc_images.json has inference images for it, but serving_source.yaml has no serving facts",
                     id="framework-without-facts"),
        pytest.param(lambda s, d, i: _framework("huggingface-tei-cpu")(s, d, i).update(multi_model=["gpu"]),
                     "huggingface-tei-cpu: multi_model ['gpu'] is not hardware the image runs on (['cpu'])",
                     id="multi-model-outside-hardware"),
        pytest.param(lambda s, d, i: _framework("pytorch")(s, d, i).update(hardware=["cpu"]),
                     "pytorch: hardware ['cpu'] is given in serving_source.yaml, but dlc_images.json decides it (['cpu', 'gpu'])",
                     id="hardware-given-where-derivable"),
        pytest.param(lambda s, d, i: _framework("inferentia-pytorch")(s, d, i).update(hardware=["gpu"]),
                     "inferentia-pytorch: hardware ['gpu'] does not cover dlc_images.json 1.7 inf (one of ['neuron', 'neuronx'])",
                     id="explicit-hardware-against-processors"),
        pytest.param(lambda s, d, i: _framework("djl-neuronx")(s, d, i).update(hardware=["gpu"]),
                     "djl-neuronx 0.29.0: its tag names ['neuronx'], serving_source.yaml says ['gpu']",
                     id="explicit-hardware-against-tags"),
        pytest.param(lambda s, d, i: _framework("djl-lmi")(s, d, i).pop("hardware"),
                     "djl-lmi: dlc_images.json cannot decide the hardware (no processor is published", id="undecidable-without-hardware"),
        pytest.param(lambda s, d, i: _framework("huggingface")(s, d, i)["cite"].update(hub_models="a-blog"),
                     "huggingface: hub_models cites 'a-blog', not one of the sources", id="unknown-citation"),
        pytest.param(lambda s, d, i: _framework("huggingface")(s, d, i)["cite"].pop("weights_env"),
                     "huggingface: weights_env cites no source", id="uncited-fact"),
        pytest.param(lambda s, d, i: _framework("xgboost")(s, d, i).pop("untagged_hardware"),
                     "xgboost 1.7-1: its tag names no hardware, so hardware ['cpu', 'gpu'] cannot be checked",
                     id="untagged-hardware-needs-its-reason"),
        pytest.param(lambda s, d, i: _framework("sklearn")(s, d, i).update(untagged_hardware="why"),
                     "sklearn: untagged_hardware explains a `hardware` that is not given", id="reason-without-hardware"),
        pytest.param(lambda s, d, i: _framework("djl-lmi")(s, d, i)["hosting"].update(startup_health_check_timeout_seconds=7200),
                     "djl-lmi: hosting.startup_health_check_timeout_seconds must be a whole number of seconds from 60 to 3600",
                     id="hosting-outside-the-api-range"),
        pytest.param(lambda s, d, i: _framework("djl-lmi")(s, d, i)["hosting"].update(volume_size_gb=100),
                     "djl-lmi: hosting.volume_size_gb is not one of", id="hosting-unknown-setting"),
        pytest.param(lambda s, d, i: _framework("djl-lmi")(s, d, i)["cite"].pop("hosting"),
                     "djl-lmi: hosting cites no source", id="hosting-uncited"),
        pytest.param(lambda s, d, i: _framework("inferentia-pytorch")(s, d, i)["unsupported"].update(use_instead="pytorch"),
                     "inferentia-pytorch: unsupported.use_instead 'pytorch' runs on other hardware", id="replacement-elsewhere"),
        pytest.param(lambda s, d, i: _framework("inferentia-pytorch")(s, d, i)["unsupported"].pop("since"),
                     "inferentia-pytorch: unsupported needs exactly runtime, since, use_instead", id="unsupported-incomplete"),
    ],
)
def test_a_failing_cross_check_names_the_problem(inputs, change, says):
    source, dlc, instances = (copy.deepcopy(x) for x in inputs)
    change(source, dlc, instances)
    with pytest.raises(SourceError) as raised:
        build_from(source, dlc, instances)
    assert any(says in problem for problem in raised.value.problems), raised.value.problems


def test_the_source_is_read_strictly(tmp_path):
    path = tmp_path / "serving_source.yaml"
    path.write_text("frameworks:\n  pytorch: {}\n  pytorch: {}\n")
    with pytest.raises(SourceError, match=r"serving_source.yaml:3:3: error\[BP005\]: duplicate key 'pytorch'"):
        refresh_serving.load_source(path)


def test_check_mode_fails_on_a_changed_fact(tmp_path, monkeypatch, capsys):
    committed = json.loads(refresh_serving.OUT.read_text())
    committed["frameworks"]["pytorch"]["multi_model"] = ["cpu", "gpu"]
    stale = tmp_path / "inference_containers.json"
    stale.write_text(json.dumps(committed))
    monkeypatch.setattr(refresh_serving, "OUT", stale)
    monkeypatch.setattr(refresh_serving, "ROOT", tmp_path)
    assert refresh_serving.main(["--check"]) == 1
    assert "differs: frameworks.pytorch" in capsys.readouterr().err
    assert json.loads(stale.read_text()) == committed  # --check writes nothing
