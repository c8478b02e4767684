"""What every FSx for Lustre file system here shares: its ports and security group, its link to
S3, and how a node mounts it at /fsx."""

from __future__ import annotations

from aws_cdk import CfnDeletionPolicy, Fn
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_fsx as fsx
from constructs import Construct

FSX_MOUNT_POINT = "/fsx"
#: Where the linked bucket prefix appears inside the Lustre file system.
FSX_LINK_PATH = "/data"
#: Lustre's LNet port and the range its servers answer from (FSx for Lustre User Guide,
#: "File system access control with Amazon VPC").
LUSTRE_PORTS = (ec2.Port.tcp(988), ec2.Port.tcp_range(1018, 1023))
#: Current Lustre; DRAs need 2.12 or later.
LUSTRE_VERSION = "2.15"
S3_EVENTS = ["NEW", "CHANGED", "DELETED"]
#: What an import-only link exports: nothing. FSx for Lustre User Guide, "Automatically export
#: updates to your S3 bucket": without an AutoExportPolicy nothing written under the link reaches S3.
CHANGE_EVENTS = ["NEW", "CHANGED"]
#: FSx for Lustre User Guide, "Installing the Lustre client": Ubuntu takes the module from FSx's apt repository.
UBUNTU_CLIENT_INSTALL = (
    "(wget -qO - https://fsx-lustre-client-repo-public-keys.s3.amazonaws.com/fsx-ubuntu-public-key.asc"
    " | gpg --dearmor > /usr/share/keyrings/fsx-ubuntu-public-key.gpg"
    " && echo \"deb [signed-by=/usr/share/keyrings/fsx-ubuntu-public-key.gpg]"
    " https://fsx-lustre-client-repo.s3.amazonaws.com/ubuntu $(lsb_release -cs) main\""
    " > /etc/apt/sources.list.d/fsxlustreclientrepo.list"
    " && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y lustre-client-modules-$(uname -r))"
)
AMAZON_LINUX_CLIENT_INSTALL = "dnf install -y lustre-client"


def delete_with_stack_keep_on_replace(file_system: fsx.CfnFileSystem) -> None:
    """DeletionPolicy Delete, UpdateReplacePolicy Retain: the policies of every file system we create.

    The file system lives in the blueprint's data stack with its security group
    and subnet. Retained on delete, it would keep its network interfaces in that
    group and subnet, EC2 could not delete them, and the data stack would end in
    DELETE_FAILED with the file system still billing. The data stack is
    termination-protected instead, so only a deliberate delete (docs/lifecycle.md,
    "Delete": back up or export first) removes the file system, together with
    what it needs. A replacement during an update (a create-only property such as
    DeploymentType or KmsKeyId changed) keeps the old file system and its data;
    ``mlblueprints.hazards`` warns before such a change.
    """
    file_system.cfn_options.deletion_policy = CfnDeletionPolicy.DELETE
    file_system.cfn_options.update_replace_policy = CfnDeletionPolicy.RETAIN


def file_system_security_group(
    scope: Construct, *, vpc: ec2.IVpc, clients: ec2.SecurityGroup, clients_name: str
) -> ec2.SecurityGroup:
    """The file system's group: Lustre ports from ``clients`` and between file servers, and the
    matching egress on ``clients``. ``clients_name`` is part of the group's description, which
    CloudFormation cannot change without replacing the group."""
    group = ec2.SecurityGroup(
        scope,
        "FileSystemSecurityGroup",
        vpc=vpc,
        description=f"FSx for Lustre: Lustre ports from the {clients_name} and between file servers",
        allow_all_outbound=True,
    )
    for port in LUSTRE_PORTS:
        group.add_ingress_rule(clients, port, f"Lustre from {clients_name}")
        group.add_ingress_rule(group, port, "Lustre between file servers")
        clients.add_egress_rule(group, port, "Lustre to FSx")
    return group


def export_events(*, changes: bool, deletions: bool) -> list[str]:
    """The AutoExportPolicy events a blueprint opted in to (deletions only on top of changes)."""
    return CHANGE_EVENTS + ["DELETED"] if changes and deletions else CHANGE_EVENTS if changes else []


def link_to_s3(
    scope: Construct, file_system: fsx.CfnFileSystem, data_repository_path: str, *, export: list[str]
) -> None:
    """A data repository association: ``data_repository_path`` appears at FSX_LINK_PATH, imported on
    create and kept up to date from S3; files written under the link go back to S3 only for the
    ``export`` events (none: import-only, a removed file never deletes an object)."""
    fsx.CfnDataRepositoryAssociation(
        scope,
        "DataRepositoryAssociation",
        file_system_id=file_system.ref,
        file_system_path=FSX_LINK_PATH,
        data_repository_path=data_repository_path,
        batch_import_meta_data_on_create=True,
        s3=fsx.CfnDataRepositoryAssociation.S3Property(
            auto_import_policy=fsx.CfnDataRepositoryAssociation.AutoImportPolicyProperty(events=S3_EVENTS),
            auto_export_policy=(
                fsx.CfnDataRepositoryAssociation.AutoExportPolicyProperty(events=export) if export else None
            ),
        ),
    )


def mount_commands(dns_name: str, mount_name: str, *, amazon_linux: bool) -> list[str]:
    """Install the Lustre client unless the image has it, then mount at /fsx through fstab.

    FSx for Lustre User Guide, "Installing the Lustre client" and "Mounting Amazon FSx
    automatically" (the fstab options). ``dns_name`` and ``mount_name`` may be deploy-time tokens.
    """
    install = AMAZON_LINUX_CLIENT_INSTALL if amazon_linux else UBUNTU_CLIENT_INSTALL
    source = Fn.join("", [dns_name, "@tcp:/", mount_name])
    return [
        f"modinfo lustre >/dev/null 2>&1 || {install}",
        f"mkdir -p {FSX_MOUNT_POINT}",
        Fn.join(
            "",
            [
                f"grep -q ' {FSX_MOUNT_POINT} lustre ' /etc/fstab || echo '",
                source,
                f" {FSX_MOUNT_POINT} lustre defaults,relatime,flock,_netdev,x-systemd.automount,"
                "x-systemd.requires=network.service 0 0' >> /etc/fstab",
            ],
        ),
        f"mountpoint -q {FSX_MOUNT_POINT} || mount {FSX_MOUNT_POINT}",
    ]
