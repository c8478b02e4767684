import copy

import pytest

from tests.blueprint_factory import check, codes, patched, to_yaml
from tests.fleet_factory import ENDPOINT, FLEET

AT = "spec.endpoints[0]"
LONG = "p" * 500


def bp045(endpoint_patch, bucket=None):
    endpoint = patched(endpoint_patch, base=copy.deepcopy(ENDPOINT))
    document = patched({"spec": {"endpoints": [endpoint], **({"bucket": bucket} if bucket else {})}}, base=FLEET)
    return [c for c in codes(check(to_yaml(document))) if c[0] in {"BP024", "BP045"}]


ASYNC = {"mode": "async", "autoscaling": {"min": 0, "max": 2, "invocations_per_instance": None, "backlog_per_instance": 5}}


@pytest.mark.parametrize(
    "endpoint_patch, bucket, expected",
    [
        pytest.param({}, None, [], id="short"),
        # The synth-time template validation refuses S3OutputPath over 512 characters (F3033).
        pytest.param({"async": {"output_path": LONG}}, None,
                     [("BP045", f"{AT}.async.failure_path"), ("BP045", f"{AT}.async.output_path")], id="async-output"),
        pytest.param({"async": {"output_path": "out"}}, {"prefix": "q" * 400}, [], id="prefix-near-limit"),
        pytest.param({"async": {"output_path": "out"}}, {"prefix": "q" * 440},
                     [("BP045", f"{AT}.async.failure_path"), ("BP045", f"{AT}.async.output_path")], id="long-prefix"),
        pytest.param({"data_capture": {"sampling_percentage": 10}}, {"prefix": "q" * 470}, [("BP045", f"{AT}.data_capture")],
                     id="data-capture"),
        pytest.param({"variants": [{"name": "blue", "model": {"artifact": LONG}}]}, {"prefix": LONG},
                     [("BP045", f"{AT}.variants[0].model")], id="model-data-url"),
        pytest.param({"container": {"framework": None, "version": None, "uri": "a.example.com/" + "r" * 250 + ":1"}}, None,
                     [("BP024", f"{AT}.container.uri")], id="image-over-255"),
    ],
)
def test_bp045(endpoint_patch, bucket, expected):
    if "async" in endpoint_patch:
        endpoint_patch = {**ASYNC, **endpoint_patch}
        endpoint_patch["autoscaling"] = {**ASYNC["autoscaling"]}
    assert sorted(bp045(_none_to_delete(endpoint_patch), bucket)) == sorted(expected)


def _none_to_delete(patch):
    from tests.blueprint_factory import DELETE

    if isinstance(patch, dict):
        return {k: DELETE if v is None else _none_to_delete(v) for k, v in patch.items()}
    return patch
