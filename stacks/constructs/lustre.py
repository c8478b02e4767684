"""The shared file system at /fsx: FSx for Lustre PERSISTENT_2 in the nodes' subnet, or an existing one.

A new file system:

* sits in the one subnet of the cluster (FSx for Lustre is single-AZ, and the
  nodes are in one zone for EFA);
* is sized by ``mlblueprints.fsx_sizing`` (explicitly, or for a throughput per
  accelerator) and encrypted with the stack's key;
* goes with the (termination-protected) data stack on a deliberate delete and
  is kept on replacement (lustre_parts.delete_with_stack_keep_on_replace; FSx
  accepts no ``Snapshot`` policy, cfn-lint E3035);
* can be EFA-enabled, which needs PERSISTENT_2 and a metadata configuration
  and can only be set at creation (FSx API, CreateFileSystemLustreConfiguration
  EfaEnabled), plus a security group that allows all traffic to and from
  itself and the clients' group (FSx for Lustre User Guide, "Creating an FSx
  for Lustre file system fails"): the nodes' EFA group is attached to it;
* is linked to an existing S3 prefix through a data repository association
  when the blueprint names one.

An existing file system is only mounted; its own security group must admit
the nodes on the Lustre ports.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_fsx as fsx
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from mlblueprints.fsx_sizing import DEPLOYMENT_TYPE
from mlblueprints.model.ultracluster import DataRepository
from mlblueprints.resolve import LustrePlan
from .lustre_parts import (
    LUSTRE_PORTS,
    LUSTRE_VERSION,
    delete_with_stack_keep_on_replace,
    export_events,
    file_system_security_group,
    link_to_s3,
)

#: Metadata IOPS scale with capacity in AUTOMATIC mode (FSx API, CreateFileSystemLustreMetadataConfiguration).
METADATA_MODE = "AUTOMATIC"


@dataclass(frozen=True)
class SharedFileSystemProps:
    plan: LustrePlan
    key: kms.IKey
    vpc: ec2.IVpc
    subnet: ec2.ISubnet
    node_security_group: ec2.SecurityGroup
    data_repository: DataRepository | None
    #: The bucket of ``data_repository`` (None without one).
    bucket: s3.IBucket | None


class SharedFileSystem(Construct):
    """Exposes ``file_system`` (None for an existing one), ``file_system_id``, ``dns_name`` and ``mount_name``."""

    file_system: fsx.CfnFileSystem | None
    file_system_id: str
    dns_name: str
    mount_name: str

    def __init__(self, scope: Construct, construct_id: str, *, props: SharedFileSystemProps) -> None:
        super().__init__(scope, construct_id)
        existing = props.plan.existing
        if existing is not None:
            self.file_system = None
            self.file_system_id = existing.file_system_id
            self.dns_name = existing.dns_name
            self.mount_name = existing.mount_name
            # The file system's addresses are not known at synth: open only the Lustre ports.
            for port in LUSTRE_PORTS:
                props.node_security_group.add_egress_rule(ec2.Peer.any_ipv4(), port, "Lustre to the existing FSx")
            return
        self.file_system = self._create(props)
        self.file_system_id = self.file_system.ref
        self.dns_name = self.file_system.attr_dns_name
        self.mount_name = self.file_system.attr_lustre_mount_name

    def _create(self, props: SharedFileSystemProps) -> fsx.CfnFileSystem:
        group = file_system_security_group(
            self, vpc=props.vpc, clients=props.node_security_group, clients_name="cluster nodes"
        )
        plan = props.plan
        groups = [group.security_group_id]
        if plan.efa:
            groups.append(props.node_security_group.security_group_id)
        file_system = fsx.CfnFileSystem(
            self,
            "FileSystem",
            file_system_type="LUSTRE",
            file_system_type_version=LUSTRE_VERSION,
            storage_capacity=plan.size.capacity_gib,
            subnet_ids=[props.subnet.subnet_id],
            security_group_ids=groups,
            kms_key_id=props.key.key_id,
            lustre_configuration=fsx.CfnFileSystem.LustreConfigurationProperty(
                deployment_type=DEPLOYMENT_TYPE,
                per_unit_storage_throughput=plan.size.throughput_per_tib,
                data_compression_type="LZ4",  # checkpoints and text shards compress; costs no throughput
                efa_enabled=True if plan.efa else None,
                metadata_configuration=(
                    fsx.CfnFileSystem.MetadataConfigurationProperty(mode=METADATA_MODE) if plan.efa else None
                ),
            ),
        )
        delete_with_stack_keep_on_replace(file_system)
        repository = props.data_repository
        if repository is not None:
            link_to_s3(
                self,
                file_system,
                f"s3://{props.bucket.bucket_name}/{repository.prefix}/",
                export=export_events(changes=repository.export_changes, deletions=repository.export_deletions),
            )
        return file_system

