"""FSx for Lustre data repository associations that write into S3."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from mlblueprints.review.template import as_list, literal_text, of_type, properties, references, resources


def _bucket_of(path_value, template: dict) -> tuple[bool, str]:
    """(whether the template owns the bucket of an s3:// path, how to name it in a message)."""
    found = resources(template)
    for _, name in references(path_value):
        if found.get(name, {}).get("Type") == "AWS::S3::Bucket":
            return True, name
    text = literal_text(path_value)
    if text is None:
        return False, "a bucket the template does not show"
    bucket = text.removeprefix("s3://").split("/", 1)[0]
    for _, resource in of_type(template, "AWS::S3::Bucket"):
        if literal_text(properties(resource).get("BucketName")) == bucket:
            return True, bucket
    return False, bucket


class DraExportsDeletionsToForeignBucket(CloudFormationLintRule):
    id = "E9520"
    shortdesc = "FSx data repository association exports deletions into a bucket the stack does not own"
    prevents = (
        "no AWS error: an `rm` under the file system path deletes the objects in the linked bucket, "
        "which may be a shared data lake"
    )
    description = (
        "With DELETED in S3.AutoExportPolicy.Events, FSx for Lustre deletes the S3 object when its file is "
        f"deleted on the file system. Prevents: {prevents}"
    )
    source_url = "https://docs.aws.amazon.com/fsx/latest/LustreGuide/autoexport-data-repo-dra.html"
    fix = 'Drop DELETED from AutoExportPolicy.Events (import only) unless the bucket is yours to delete from.'
    tags = ["resources", "fsx", "s3", "mlblueprints"]

    def match(self, cfn):
        for name, resource in of_type(cfn.template, "AWS::FSx::DataRepositoryAssociation"):
            props = properties(resource)
            s3 = props.get("S3") if isinstance(props.get("S3"), dict) else {}
            export = s3.get("AutoExportPolicy") if isinstance(s3.get("AutoExportPolicy"), dict) else {}
            events = as_list(export.get("Events"))
            if "DELETED" not in events:
                continue
            owned, bucket = _bucket_of(props.get("DataRepositoryPath"), cfn.template)
            if not owned:
                yield RuleMatch(
                    ["Resources", name, "Properties", "S3", "AutoExportPolicy", "Events", events.index("DELETED")],
                    f"{name} exports deletions into {bucket}, which this stack does not create: deleting a file "
                    "under the association's path deletes the object in that bucket. Fix: drop DELETED from "
                    "AutoExportPolicy.Events (or drop the export policy for import only) unless deleting "
                    "there is intended.",
                )
