"""Resolvers: wording in, concrete AWS choices out."""

import pytest

from mlblueprints.resolve import resolve
from tests.blueprint_factory import DELETE, check_patch, codes


def resolved(patch=None):
    report = check_patch(patch)
    assert not report.has_errors, report.diagnostics
    (blueprint,) = report.blueprints
    return resolve(blueprint)


def test_accelerator_wording_picks_the_cheapest_offered_type():
    result = resolved({"spec": {"instance": {"type": DELETE, "accelerators": {"type": "a100", "count": 8}}}})
    assert result.instance.name == "p4d.24xlarge"


def test_memory_floor_moves_to_the_larger_part():
    wording = {"type": "a100", "count": 8, "min_memory_gib": 80}
    assert resolved({"spec": {"instance": {"type": DELETE, "accelerators": wording}}}).instance.name == "p4de.24xlarge"


@pytest.mark.parametrize(
    "image, device, amazon_linux",
    [
        ({"dlami": "base-gpu"}, "/dev/sda1", False),
        ({"dlami": "base-gpu", "os": "amazon-linux-2023"}, "/dev/xvda", True),
        ({"dlami": DELETE, "ami_id": "ami-0123456789abcdef0", "accelerator": "gpu"}, "/dev/sda1", False),
        ({"dlami": DELETE, "ami_id": "ami-0123456789abcdef0", "accelerator": "gpu", "root_device": "/dev/xvda"}, "/dev/xvda", True),
    ],
)
def test_root_device_follows_the_operating_system(image, device, amazon_linux):
    machine_image = resolved({"spec": {"image": image}}).machine_image
    assert machine_image.root_device_name == device
    assert machine_image.is_amazon_linux is amazon_linux


def test_dlami_default_os_comes_from_the_data_file():
    machine_image = resolved().machine_image
    assert machine_image.os == "ubuntu-24.04"
    assert machine_image.ssm_parameter.endswith("base-oss-nvidia-driver-gpu-ubuntu-24.04/latest/ami-id")


def test_container_resolves_to_the_regional_dlc_and_its_repository():
    container = resolved({"spec": {"region": "af-south-1", "instance": {"type": "g4dn.2xlarge"}}}).container
    assert ".dkr.ecr.af-south-1.amazonaws.com/pytorch-training:2.6" in container.uri
    assert not container.uri.startswith("763104351884.")
    assert container.repository_arn.endswith(":repository/pytorch-training")


def test_root_device_needs_a_custom_ami():
    assert ("BP025", "spec.image.root_device") in codes(check_patch({"spec": {"image": {"root_device": "/dev/xvda"}}}))


def test_wildcards_in_prefixes_are_refused_because_they_widen_the_grant():
    report = check_patch({"spec": {"storage": {"data_bucket": {"prefix": "team/*"}}}})
    assert codes(report) == [("BP024", "spec.storage.data_bucket.prefix")]
