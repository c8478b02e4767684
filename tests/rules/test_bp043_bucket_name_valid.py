import pytest

from tests.blueprint_factory import check, codes, patched, to_yaml
from tests.fleet_factory import FLEET
from tests.ultracluster_factory import BASE as ULTRA

TRAINING_AT = "spec.storage.data_bucket.existing"


def bucket_codes(patch, base=None):
    document = patched(patch, **({"base": base} if base else {}))
    return [c for c in codes(check(to_yaml(document))) if c[0] in {"BP024", "BP043"}]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("my-data.bucket-1", []),
        ("abc", []),
        ("192.168.10.20", [("BP043", TRAINING_AT)]),  # issue 9
        ("a..b", [("BP043", TRAINING_AT)]),  # issue 9
        ("a.-b", [("BP043", TRAINING_AT)]),  # CDK's validateBucketName
        ("a-.b", [("BP043", TRAINING_AT)]),
        ("xn--data", [("BP043", TRAINING_AT)]),
        ("sthree-data", [("BP043", TRAINING_AT)]),
        ("amzn-s3-demo-bucket", [("BP043", TRAINING_AT)]),
        ("data-s3alias", [("BP043", TRAINING_AT)]),
        ("data--ol-s3", [("BP043", TRAINING_AT)]),
        ("data.mrap", [("BP043", TRAINING_AT)]),
        ("data--x-s3", [("BP043", TRAINING_AT)]),
        ("data--table-s3", [("BP043", TRAINING_AT)]),
        ("Data", [("BP024", TRAINING_AT)]),  # the schema's shape
        ("a" * 64, [("BP024", TRAINING_AT)]),
    ],
)
def test_bp043(name, expected):
    assert bucket_codes({"spec": {"storage": {"data_bucket": {"existing": name}}}}) == expected


def test_fleet_bucket():
    assert bucket_codes({"spec": {"bucket": {"existing": "a..b"}}}, FLEET) == [("BP043", "spec.bucket.existing")]


def test_ultracluster_data_repository():
    patch = {"spec": {"storage": {"data_repository": {"bucket": "10.0.0.1", "prefix": "data"}}}}
    assert bucket_codes(patch, ULTRA) == [("BP043", "spec.storage.data_repository.bucket")]
