"""Small hand-written templates, as a user might write them: no CDK, no mlblueprints."""

from __future__ import annotations

SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"


def gid(name: str) -> dict:
    return {"Fn::GetAtt": [name, "GroupId"]}


def batch_mnp(*, ce_groups=None, subnets=None, restrict_default=False, ce_type="EC2", interfaces=True) -> dict:
    """A VPC, a node group open to itself both ways, a launch template, a compute environment and an MNP job."""
    resources = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/20"}},
        "NodeGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "nodes", "VpcId": {"Ref": "Vpc"}},
        },
        "NodeGroupSelf": {
            "Type": "AWS::EC2::SecurityGroupIngress",
            "Properties": {"GroupId": gid("NodeGroup"), "SourceSecurityGroupId": gid("NodeGroup"), "IpProtocol": "-1"},
        },
        "NodeGroupSelfOut": {
            "Type": "AWS::EC2::SecurityGroupEgress",
            "Properties": {"GroupId": gid("NodeGroup"), "DestinationSecurityGroupId": gid("NodeGroup"), "IpProtocol": "-1"},
        },
        "Nodes": {
            "Type": "AWS::EC2::LaunchTemplate",
            "Properties": {
                "LaunchTemplateData": {
                    "NetworkInterfaces": [{"DeviceIndex": 0, "InterfaceType": "efa", "Groups": [gid("NodeGroup")]}]
                }
                if interfaces
                else {"MetadataOptions": {"HttpTokens": "required"}}
            },
        },
        "Compute": {
            "Type": "AWS::Batch::ComputeEnvironment",
            "Properties": {
                "Type": "MANAGED",
                "ComputeResources": {
                    "Type": ce_type,
                    "MaxvCpus": 192,
                    "InstanceTypes": ["p4d.24xlarge"],
                    "Subnets": subnets or [{"Ref": "Subnet"}],
                    "InstanceRole": "arn:aws:iam::123456789012:instance-profile/ecs",
                    "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Nodes"}},
                    **({"SecurityGroupIds": ce_groups} if ce_groups else {}),
                },
            },
        },
        "Train": {
            "Type": "AWS::Batch::JobDefinition",
            "Properties": {
                "Type": "multinode",
                "NodeProperties": {
                    "NumNodes": 2,
                    "MainNode": 0,
                    "NodeRangeProperties": [{"TargetNodes": "0:", "Container": {"Image": "train:latest"}}],
                },
            },
        },
    }
    if restrict_default:
        resources["RestrictDefault"] = {
            "Type": "Custom::VpcRestrictDefaultSG",
            "Properties": {
                "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:restrict",
                "DefaultSecurityGroupId": {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]},
            },
        }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def autoscaled_endpoint(resource_id) -> dict:
    """Endpoint "chat" with variant blue on ml.g5.xlarge, and a scalable target at ``resource_id``."""
    return {
        "Resources": {
            "Config": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {"ProductionVariants": [{"VariantName": "blue", "InstanceType": "ml.g5.xlarge", "ModelName": "m", "InitialInstanceCount": 1}]},
            },
            "Endpoint": {
                "Type": "AWS::SageMaker::Endpoint",
                "Properties": {"EndpointName": "chat", "EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]}},
            },
            "Target": {
                "Type": SCALABLE_TARGET,
                "Properties": {
                    "ServiceNamespace": "sagemaker",
                    "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
                    "ResourceId": resource_id,
                    "MinCapacity": 1,
                    "MaxCapacity": 4,
                },
            },
        }
    }
