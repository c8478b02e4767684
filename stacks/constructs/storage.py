"""Where training data and checkpoints live, and where access logs go (the blueprint's data stack).

Buckets and the key are retained when the stack is deleted or a resource is
replaced (``RemovalPolicy.RETAIN`` renders DeletionPolicy and
UpdateReplacePolicy ``Retain``): losing a dataset or a week of checkpoints
costs more than the storage, and nothing else in the stack depends on them.
An FSx file system is different: it depends on its subnet and security group,
so it goes with the data stack on a deliberate delete and is kept only on
replacement (lustre_parts.delete_with_stack_keep_on_replace).

* An access-logs bucket (SSE-S3, which S3 server access logging and VPC flow
  logs can write to) is created when something here logs into it.
* The data bucket is new (SSE-KMS with a bucket key to cut KMS request costs,
  versioned, TLS only, no public access) or an existing bucket by name.
* FSx for Lustre, when asked for, sits in the first node subnet and is linked to
  ``s3://<bucket>/<import_path>``: through a data repository association on
  PERSISTENT_2, through the file system's ImportPath/ExportPath otherwise
  (CreateFileSystemLustreConfiguration: those fields are not supported on
  PERSISTENT_2, and DRAs started there).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_fsx as fsx
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from mlblueprints import model
from .lustre_parts import (
    LUSTRE_VERSION,
    delete_with_stack_keep_on_replace,
    export_events,
    file_system_security_group,
    link_to_s3,
)
from .security import allow_service_linked_role
from ..nag import Waiver, waive

#: Abandoned multipart uploads (killed jobs mid-checkpoint) and superseded checkpoint
#: versions are billed like live data; versioning protects against overwrite, not forever.
INCOMPLETE_UPLOAD_DAYS = 7
NONCURRENT_VERSION_DAYS = 30
#: FSx reads and writes a linked SSE-KMS bucket through this service-linked role family
#: (FSx for Lustre User Guide, "Working with server-side encrypted Amazon S3 buckets").
FSX_S3_ROLE = "role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*"
#: Grant S3 log delivery by bucket policy, not the legacy ACL (which needs ObjectWriter ownership).
#: cdk.json enables it too; pinning it here keeps the construct right in any app.
ACCESS_LOGS_BY_POLICY_FLAG = "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"


@dataclass(frozen=True)
class StorageProps:
    storage: model.Storage
    key: kms.IKey
    #: Whether another construct (flow logs of a new VPC) writes into the access-logs bucket.
    needs_log_bucket: bool
    #: FSx for Lustre only (None without `storage.fsx`): its VPC, subnet and client security group.
    vpc: ec2.IVpc | None = None
    #: FSx for Lustre is single-AZ; it goes where the first nodes go.
    subnet: ec2.ISubnet | None = None
    node_security_group: ec2.SecurityGroup | None = None


class Storage(Construct):
    """Exposes ``bucket``, ``prefix``, ``logs_bucket`` (or None) and ``file_system`` (or None)."""

    bucket: s3.IBucket
    prefix: str
    logs_bucket: s3.Bucket | None
    file_system: fsx.CfnFileSystem | None

    def __init__(self, scope: Construct, construct_id: str, *, props: StorageProps) -> None:
        super().__init__(scope, construct_id)
        self.node.set_context(ACCESS_LOGS_BY_POLICY_FLAG, True)
        spec = props.storage
        self.prefix = spec.data_bucket.prefix
        new_bucket = spec.data_bucket.existing is None
        self.logs_bucket = access_logs_bucket(self) if new_bucket or props.needs_log_bucket else None
        if new_bucket:
            self.bucket = _data_bucket(self, props.key, self.logs_bucket)
        else:
            self.bucket = s3.Bucket.from_bucket_name(self, "DataBucket", spec.data_bucket.existing)
        self.file_system = None
        if spec.fsx is not None:
            self.file_system = self._lustre(props, spec.fsx, new_bucket)

    def _lustre(self, props: StorageProps, spec: model.Fsx, new_bucket: bool) -> fsx.CfnFileSystem:
        group = file_system_security_group(
            self, vpc=props.vpc, clients=props.node_security_group, clients_name="training nodes"
        )

        linked = f"s3://{self.bucket.bucket_name}/{spec.import_path}"
        uses_association = spec.deployment_type == "PERSISTENT_2"
        lustre = fsx.CfnFileSystem.LustreConfigurationProperty(
            deployment_type=spec.deployment_type,
            per_unit_storage_throughput=spec.throughput_per_tib if spec.is_persistent else None,
            data_compression_type="LZ4",  # checkpoints and text shards compress; costs no throughput
            import_path=None if uses_association else linked,
            # Without a DRA, export only ever happens through an explicit export task to ExportPath.
            export_path=None if uses_association or not spec.export_changes else linked,
            auto_import_policy=None if uses_association else "NEW_CHANGED_DELETED",
        )
        file_system = fsx.CfnFileSystem(
            self,
            "FileSystem",
            file_system_type="LUSTRE",
            file_system_type_version=LUSTRE_VERSION if uses_association else None,
            storage_capacity=spec.storage_capacity_gib,
            subnet_ids=[props.subnet.subnet_id],
            security_group_ids=[group.security_group_id],
            # Scratch file systems are encrypted with keys FSx owns; a CMK is persistent-only.
            kms_key_id=props.key.key_id if spec.is_persistent else None,
            lustre_configuration=lustre,
        )
        delete_with_stack_keep_on_replace(file_system)
        if new_bucket:
            _allow_fsx_to_use_key(props.key)

        if uses_association:
            link_to_s3(
                self,
                file_system,
                f"{linked}/",
                export=export_events(changes=spec.export_changes, deletions=spec.export_deletions),
            )
        return file_system


def access_logs_bucket(scope: Construct) -> s3.Bucket:
    bucket = s3.Bucket(
        scope,
        "AccessLogsBucket",
        # Server access logging and flow-log delivery write with SSE-S3 only.
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        # ACLs off; log delivery is granted by bucket policy (S3 User Guide, "Enabling server access logging").
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removal_policy=RemovalPolicy.RETAIN,
    )
    waive(
        bucket,
        Waiver(
            "AwsSolutions-S1",
            "This is the access-log destination for the data bucket and VPC flow logs; logging it into "
            "itself would loop and a second log bucket would only move the finding.",
        ),
        children=False,
    )
    return bucket


def _data_bucket(scope: Construct, key: kms.IKey, logs: s3.IBucket) -> s3.Bucket:
    return s3.Bucket(
        scope,
        "DataBucket",
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        bucket_key_enabled=True,
        versioned=True,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        server_access_logs_bucket=logs,
        server_access_logs_prefix="data-bucket/",
        lifecycle_rules=[
            s3.LifecycleRule(
                id="TrimAbandonedUploadsAndOldVersions",
                abort_incomplete_multipart_upload_after=Duration.days(INCOMPLETE_UPLOAD_DAYS),
                noncurrent_version_expiration=Duration.days(NONCURRENT_VERSION_DAYS),
            )
        ],
        removal_policy=RemovalPolicy.RETAIN,
    )


def _allow_fsx_to_use_key(key: kms.IKey) -> None:
    """Let FSx's S3 service-linked role use the bucket's key for import and export.

    The documented statement names the role of one file system and conditions on
    the bucket ARN; both would make the key depend on resources that depend on
    the key (a template cycle). Matching the role family in this account, via S3
    in this region, keeps the grant to FSx's S3 access.
    """
    allow_service_linked_role(
        key,
        sid="AllowFsxLinkedBucketThroughS3",
        role=FSX_S3_ROLE,
        service="s3",
        actions=["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
    )
