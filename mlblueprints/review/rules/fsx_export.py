"""FSx for Lustre data repository associations that write into S3."""

from __future__ import annotations

from fnmatch import fnmatchcase

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from mlblueprints.review.iam import allow_statements, grants
from mlblueprints.review.template import as_list, literal_text, of_type, properties, references, resources, text_form


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


def _foreign_repositories(template: dict) -> dict[str, str]:
    """``{association logical id: bucket/prefix}`` for associations whose bucket the template does not create."""
    found = {}
    for name, resource in of_type(template, "AWS::FSx::DataRepositoryAssociation"):
        path = properties(resource).get("DataRepositoryPath")
        owned, bucket = _bucket_of(path, template)
        text = literal_text(path)
        if not owned and text is not None:
            found[name] = text.removeprefix("s3://")
    return found


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


class ForeignRepositoryDeleteGranted(CloudFormationLintRule):
    id = "W9521"
    shortdesc = "s3:DeleteObject granted on the bucket of an FSx data repository the stack does not own"
    prevents = "no AWS error: any process holding the role can delete objects in the linked bucket, a shared data lake"
    description = (
        "A file system linked to someone else's bucket is read there; the nodes need s3:GetObject and "
        f"s3:ListBucket, not s3:DeleteObject. Prevents: {prevents}"
    )
    fix = "Grant read (and, if exporting, write) on the prefix without s3:DeleteObject, unless deleting there is intended."
    source_url = "https://docs.aws.amazon.com/fsx/latest/LustreGuide/create-dra-linked-data-repo.html"
    tags = ["resources", "fsx", "s3", "iam", "mlblueprints"]

    def match(self, cfn):
        repositories = _foreign_repositories(cfn.template)
        if not repositories:
            return
        for path, statement in allow_statements(cfn.template):
            if not grants(statement, "s3:DeleteObject"):
                continue
            for index, resource in enumerate(as_list(statement.get("Resource"))):
                pattern = text_form(resource)
                if pattern is None:
                    continue
                pattern = pattern.replace("${AWS::Partition}", "aws")
                for association, location in repositories.items():
                    if fnmatchcase(f"arn:aws:s3:::{location}probe", pattern):
                        yield RuleMatch(
                            [*path, "Resource", index] if isinstance(statement.get("Resource"), list) else [*path, "Resource"],
                            f"{path[1]} grants s3:DeleteObject on s3://{location}, the data repository of "
                            f"{association}, which this stack does not own. Fix: drop s3:DeleteObject for that "
                            "bucket (read, or read and write, is what the nodes need), unless deleting there is "
                            "intended.",
                        )
                        break
