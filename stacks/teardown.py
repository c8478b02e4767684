"""The data stack's outputs that spell out its deliberate deletion (docs/lifecycle.md, "Delete").

``cdk destroy`` removes a blueprint's compute stack and stops at its data stack,
which is termination-protected. Deleting the data on purpose takes the commands
below, in order; the file system goes with the stack, the buckets and the key
stay (retained) until removed by hand.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Fn, Stack


def teardown_outputs(stack: Stack, *, file_system_id: str | None) -> None:
    region, name = stack.region, stack.stack_name
    if file_system_id is not None:
        CfnOutput(
            stack,
            "FsxBackupCommand",
            description="Before deleting this stack: back up the file system (persistent types), or export what "
            "you need to S3; deleting the stack deletes the file system",
            value=Fn.join(
                "", [f"aws fsx create-backup --region {region} --file-system-id ", file_system_id,
                     f" --tags Key=Name,Value={name}-final"]
            ),
        )
    CfnOutput(
        stack,
        "DeleteDataCommand",
        description="Deliberately delete this data stack after its compute stack is gone; buckets and the key "
        "are retained (docs/lifecycle.md, Delete)",
        value=f"aws cloudformation update-termination-protection --region {region} --stack-name {name}"
        f" --no-enable-termination-protection && aws cloudformation delete-stack --region {region}"
        f" --stack-name {name} && aws cloudformation wait stack-delete-complete --region {region} --stack-name {name}",
    )
