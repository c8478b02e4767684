import pytest

from tests.blueprint_factory import DELETE, check_patch, codes


@pytest.mark.parametrize(
    "container, expected",
    [
        pytest.param({"framework": "pytorch", "version": "2.6"}, [], id="pytorch-2.6"),
        pytest.param({"framework": "pytorch", "version": "0.1"}, [("BP103", "spec.container.version")], id="no-such-version"),
        pytest.param({"framework": "pytorch", "version": "2.6", "python": "py30"}, [("BP103", "spec.container.version")], id="no-such-python"),
        pytest.param({"framework": "pytorchh", "version": "2.6"}, [("BP103", "spec.container.framework")], id="no-such-framework"),
        pytest.param({"uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/mine:1.0"}, [], id="explicit-uri-not-checked"),
    ],
)
def test_bp103(container, expected):
    document_patch = {"spec": {"container": {"framework": DELETE, "version": DELETE, **container}}}
    assert [c for c in codes(check_patch(document_patch)) if c[0] == "BP103"] == expected


def test_no_container_is_fine():
    assert [c for c in codes(check_patch({"spec": {"container": DELETE}})) if c[0] == "BP103"] == []


def test_missing_version_lists_available_versions():
    report = check_patch({"spec": {"container": {"version": "0.1"}}})
    (diagnostic,) = [d for d in report.diagnostics if d.code == "BP103"]
    assert "2.6" in diagnostic.hint
