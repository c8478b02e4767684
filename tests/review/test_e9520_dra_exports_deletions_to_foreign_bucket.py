"""E9520: an FSx data repository association must not export deletions into a bucket the stack does not own."""

from __future__ import annotations

import pytest

from mlblueprints.review.rules import DraExportsDeletionsToForeignBucket as Rule
from tests.review.lint import paths, resources_of

ALL_EVENTS = ["NEW", "CHANGED", "DELETED"]


@pytest.mark.cdk
def test_fires_on_deletions_exported_to_a_shared_bucket_in_a_real_template(real_template):
    template = real_template("AWS::FSx::DataRepositoryAssociation")
    name, association = next(iter(resources_of(template, "AWS::FSx::DataRepositoryAssociation").items()))
    props = association["Properties"]
    props["DataRepositoryPath"] = "s3://shared-data-lake/llm/pretrain/"
    props.setdefault("S3", {})["AutoExportPolicy"] = {"Events": ["NEW", "CHANGED"]}
    assert paths(Rule, template) == []

    props["S3"]["AutoExportPolicy"]["Events"] = ALL_EVENTS
    assert paths(Rule, template) == [["Resources", name, "Properties", "S3", "AutoExportPolicy", "Events", 2]]


def _association(path, events=ALL_EVENTS, bucket_name=None) -> dict:
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": bucket_name} if bucket_name else {}}
    return {
        "Resources": {
            "Data": bucket,
            "Link": {
                "Type": "AWS::FSx::DataRepositoryAssociation",
                "Properties": {
                    "FileSystemId": "fs-0123456789abcdef0",
                    "FileSystemPath": "/data",
                    "DataRepositoryPath": path,
                    "S3": {"AutoExportPolicy": {"Events": events}},
                },
            },
        }
    }


DELETED_AT = [["Resources", "Link", "Properties", "S3", "AutoExportPolicy", "Events", 2]]


@pytest.mark.parametrize(
    "template, expected",
    [
        pytest.param(_association("s3://lake/prefix/"), DELETED_AT, id="literal-foreign"),
        pytest.param(_association({"Fn::Sub": "s3://lake-${AWS::AccountId}/x/"}), DELETED_AT, id="sub-foreign"),
        pytest.param(_association({"Fn::Join": ["", ["s3://", {"Ref": "Data"}, "/x/"]]}), [], id="join-own-bucket"),
        pytest.param(_association({"Fn::Sub": "s3://${Data}/x/"}), [], id="sub-own-bucket"),
        pytest.param(_association("s3://mine/x/", bucket_name="mine"), [], id="own-bucket-by-name"),
        pytest.param(_association("s3://lake/prefix/", ["NEW", "CHANGED"]), [], id="no-deletions"),
    ],
)
def test_handwritten(template, expected):
    assert paths(Rule, template) == expected
