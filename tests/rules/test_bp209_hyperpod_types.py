import pytest

from tests.ultracluster_factory import DELETE, HYPERPOD, check_ultra, only


def hyperpod(spec):
    return {"spec": {**HYPERPOD["spec"], **spec}}


@pytest.mark.parametrize(
    "spec, expected",
    [
        pytest.param({}, [], id="ml-type-offered"),
        pytest.param({"instance": {"type": "p4d.24xlarge"}}, [("BP209", "spec.instance.type")], id="ec2-name"),
        pytest.param({"instance": {"type": "ml.p5e.48xlarge"}}, [("BP209", "spec.instance.type")], id="not-a-hyperpod-type"),
        pytest.param(
            {"region": "us-west-1", "availability_zone": "us-west-1a", "instance": {"type": "ml.trn1.32xlarge"}},
            [("BP209", "spec.instance.type")], id="not-in-region",
        ),
        pytest.param({"hyperpod": {"controller_type": "ml.t3.medium"}}, [], id="controller-offered"),
        pytest.param({"hyperpod": {"controller_type": "ml.r5.xlarge"}}, [("BP209", "spec.hyperpod.controller_type")], id="controller-not-hyperpod"),
        pytest.param({"instance": {"type": DELETE, "accelerators": {"type": "a100", "count": 8}}}, [], id="wording"),
        # Offered by HyperPod in us-east-1 but not in the catalog: refused here, not a LookupError in synth.
        pytest.param({"instance": {"type": "ml.t3.medium"}}, [("BP209", "spec.instance.type")], id="not-in-catalog"),
        pytest.param({"instance": {"type": "ml.c5.18xlarge"}}, [("BP209", "spec.instance.type")], id="cpu-not-in-catalog"),
        # cfn-lint lists it for us-east-1; the template validator cdk synth runs (E3644) does not.
        pytest.param({"instance": {"type": "ml.p6-b200.48xlarge"}}, [("BP209", "spec.instance.type")], id="synth-validator-rejects"),
        # cfn-lint lists ml.trn1.2xlarge and ml.inf2.* for HyperPod; the API's ClusterInstanceType does not.
        pytest.param({"instance": {"type": "ml.inf2.48xlarge"}}, [("BP209", "spec.instance.type")], id="not-in-api-enum"),
        pytest.param({"hyperpod": {"controller_type": "ml.trn1.2xlarge"}}, [("BP209", "spec.hyperpod.controller_type")], id="controller-not-in-api-enum"),
    ],
)
def test_bp209(spec, expected):
    assert only(check_ultra(hyperpod(spec)), "BP209") == expected


def test_batch_ignores_the_hyperpod_settings():
    assert only(check_ultra({"spec": {"hyperpod": {"controller_type": "ml.r5.xlarge"}}}), "BP209") == []
