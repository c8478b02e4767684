"""InferenceFleetStack, asserted on its synthesized CloudFormation template.

Each fixture synthesizes one fleet (module scope: synth costs seconds) from a
blueprint validated by the real pipeline.
"""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Capture, Match

from stacks.constructs.execution_role import VPC_ACTIONS
from tests.blueprint_factory import DELETE
from tests.fleet_factory import ENDPOINT, endpoint, fleet
from tests.synthesized import Synth, as_list, identity_statements, valid

pytestmark = pytest.mark.cdk

DATA_HOLDING = ("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup")
#: The only actions allowed on Resource "*": none of them has resource-level permissions
#: (cloudwatch:PutMetricData, ecr:GetAuthorizationToken) or SageMaker documents them unscoped (VPC).
UNSCOPED = {"cloudwatch:PutMetricData", "ecr:GetAuthorizationToken", *VPC_ACTIONS}
#: CDK's LogRetention handler (a deploy-time Lambda), which sets the retention of SageMaker's own log groups.
LOG_RETENTION_ACTIONS = {"logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy"}
PYTORCH_GPU_REPOSITORY = "arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference"
TWO_VARIANTS = [
    {"name": "blue", "model": {"artifact": "chat/v1/model.tar.gz"}, "weight": 0.9},
    {"name": "green", "model": {"artifact": "chat/v2/model.tar.gz"}, "weight": 0.1},
]

REALTIME = fleet(
    {
        "variants": TWO_VARIANTS,
        "autoscaling": {"min": 2, "max": 10, "invocations_per_instance": DELETE, "max_rps_per_instance": 4,
                        "safety_factor": 0.6, "step": {"metric": "gpu_utilization", "above": 85}},
        "data_capture": {"sampling_percentage": 20},
        "alarms": {"error_rate_percent": 2, "latency_p99_ms": 1500},
    },
    {"alarm_topic": True},
)
INF2_SHADOW = fleet(
    {
        "container": {"framework": "huggingface-llm-neuronx", "version": "0.3.0"},
        "instance_type": "ml.inf2.xlarge",
        "shadow": {"name": "candidate", "model": {"artifact": "chat/v2/model.tar.gz"}, "sampling_percentage": 25},
    }
)
HUB_TGI = fleet(
    {
        "container": {"framework": "huggingface-llm", "version": "3.3"},
        "instance_type": "ml.g5.12xlarge",
        "environment": {"SM_NUM_GPUS": "4"},
        "variants": [{"name": "qwen", "model": {"hub": "Qwen/Qwen2.5-7B-Instruct"}}],
        "autoscaling": {"step": {"metric": "gpu_utilization", "above": 80}},
    }
)
SERVERLESS = fleet(
    {
        "mode": "serverless",
        "instance_type": DELETE,
        "autoscaling": DELETE,
        "serverless": {"memory_mb": 4096, "max_concurrency": 50, "provisioned_concurrency": 2},
    }
)
ASYNC_ZERO_ENDPOINT = {
    "mode": "async",
    "instance_type": "ml.c5.xlarge",
    "async": {"output_path": "async/out", "notify_success": True, "notify_error": True},
    "autoscaling": {"min": 0, "max": 3, "invocations_per_instance": DELETE, "backlog_per_instance": 4},
}
ASYNC_ZERO = fleet(ASYNC_ZERO_ENDPOINT)
MULTI_MODEL_EXISTING = fleet(
    {
        "mode": "multi-model",
        "instance_type": "ml.c5.2xlarge",
        "variants": [{"name": "all", "model": {"prefix": "tenants/"}}],
    },
    {
        "availability_zones": ["us-east-1a", "us-east-1b"],
        "network": {"vpc_id": "vpc-0123456789abcdef0",
                    "subnet_ids": ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]},
        "bucket": {"existing": "team-models", "prefix": "ranking"},
    },
)


@pytest.fixture(scope="module")
def synth(build_stack):
    def run(document: dict) -> Synth:
        blueprint = valid(document)
        return Synth(blueprint, build_stack(blueprint))

    return run


@pytest.fixture(scope="module")
def realtime(synth):
    return synth(REALTIME)


@pytest.fixture(scope="module")
def inf2_shadow(synth):
    return synth(INF2_SHADOW)


@pytest.fixture(scope="module")
def hub_tgi(synth):
    return synth(HUB_TGI)


@pytest.fixture(scope="module")
def serverless(synth):
    return synth(SERVERLESS)


@pytest.fixture(scope="module")
def async_zero(synth):
    return synth(ASYNC_ZERO)


@pytest.fixture(scope="module")
def multi_model_existing(synth):
    return synth(MULTI_MODEL_EXISTING)


FLEETS = ["realtime", "inf2_shadow", "hub_tgi", "serverless", "async_zero", "multi_model_existing"]


@pytest.fixture(scope="module", params=FLEETS)
def every(request) -> Synth:
    return request.getfixturevalue(request.param)


def sagemaker_role_statements(synth: Synth) -> list[dict]:
    """Allow statements of policies attached to roles that SageMaker assumes."""
    roles = {
        name for name, role in synth.resources("AWS::IAM::Role").items()
        if "sagemaker.amazonaws.com" in json.dumps(role["Properties"]["AssumeRolePolicyDocument"])
    }
    statements = []
    for policy in synth.resources("AWS::IAM::Policy").values():
        if {r["Ref"] for r in policy["Properties"]["Roles"]} & roles:
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


# --- autoscaling ---------------------------------------------------------------------------


def test_each_production_variant_is_a_scalable_target_that_waits_for_the_endpoint(realtime):
    endpoint_id, _ = realtime.one("AWS::SageMaker::Endpoint")
    targets = realtime.resources("AWS::ApplicationAutoScaling::ScalableTarget")
    assert len(targets) == 2
    for variant in ("blue", "green"):
        realtime.template.has_resource(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            {
                "Properties": Match.object_like(
                    {
                        "ResourceId": f"endpoint/unit-chat/variant/{variant}",
                        "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
                        "ServiceNamespace": "sagemaker",
                        "MinCapacity": 2,
                        "MaxCapacity": 10,
                        "RoleARN": Match.absent(),  # the service-linked role
                    }
                ),
                "DependsOn": Match.array_with([endpoint_id]),
            },
        )


def test_rps_target_becomes_invocations_per_minute(realtime):
    target = Capture()
    realtime.template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
            "ScalingTargetId": {"Ref": target},
            "TargetTrackingScalingPolicyConfiguration": {
                "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
                "TargetValue": 4 * 60 * 0.6,
                "ScaleInCooldown": 300,
                "ScaleOutCooldown": 60,
            },
        },
    )
    assert target.as_string() in realtime.resources("AWS::ApplicationAutoScaling::ScalableTarget")


def test_invocations_target_is_used_as_written(inf2_shadow):
    inf2_shadow.template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {"TargetTrackingScalingPolicyConfiguration": Match.object_like({"TargetValue": ENDPOINT["autoscaling"]["invocations_per_instance"]})},
    )


def test_shadow_variant_is_not_autoscaled(inf2_shadow):
    (target,) = inf2_shadow.resources("AWS::ApplicationAutoScaling::ScalableTarget").values()
    assert target["Properties"]["ResourceId"] == "endpoint/unit-chat/variant/blue"


@pytest.mark.parametrize("name, gpus", [("realtime", 1), ("hub_tgi", 4)])
def test_gpu_step_scaling_threshold_counts_every_gpu(request, name, gpus):
    synth = request.getfixturevalue(name)
    policy = Capture()
    above = 85 if name == "realtime" else 80
    synth.template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "/aws/sagemaker/Endpoints",
            "MetricName": "GPUUtilization",
            "Threshold": above * gpus,
            "AlarmActions": [{"Ref": policy}],
        },
    )
    assert synth.resources("AWS::ApplicationAutoScaling::ScalingPolicy")[policy.as_string()]["Properties"]["PolicyType"] == "StepScaling"


def test_async_tracks_the_backlog_and_scales_out_from_zero(async_zero):
    async_zero.template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 0, "MaxCapacity": 3}
    )
    async_zero.template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "TargetTrackingScalingPolicyConfiguration": Match.object_like(
                {
                    "TargetValue": 4,
                    "CustomizedMetricSpecification": {
                        "MetricName": "ApproximateBacklogSizePerInstance",
                        "Namespace": "AWS/SageMaker",
                        "Dimensions": [{"Name": "EndpointName", "Value": "unit-chat"}],
                        "Statistic": "Average",
                    },
                }
            )
        },
    )
    policy = Capture()
    async_zero.template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "HasBacklogWithoutCapacity",
            "Namespace": "AWS/SageMaker",
            "Dimensions": [{"Name": "EndpointName", "Value": "unit-chat"}],
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 1,
            "AlarmActions": [{"Ref": policy}],
        },
    )
    step = async_zero.resources("AWS::ApplicationAutoScaling::ScalingPolicy")[policy.as_string()]["Properties"]
    assert step["PolicyType"] == "StepScaling"
    assert step["StepScalingPolicyConfiguration"]["StepAdjustments"] == [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]
    # An endpoint cannot be created with zero instances; autoscaling takes it there.
    config = async_zero.props("AWS::SageMaker::EndpointConfig")
    assert config["ProductionVariants"][0]["InitialInstanceCount"] == 1


def test_serverless_has_no_application_autoscaling(serverless):
    serverless.template.resource_count_is("AWS::ApplicationAutoScaling::ScalableTarget", 0)
    serverless.template.resource_count_is("AWS::ApplicationAutoScaling::ScalingPolicy", 0)


# --- endpoint configuration ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, encrypted",
    [
        ("realtime", False),  # ml.g5: local NVMe, SageMaker rejects KmsKeyId
        ("hub_tgi", False),  # ml.g5.12xlarge: local NVMe
        ("inf2_shadow", True),  # ml.inf2: EBS only
        ("async_zero", True),  # ml.c5: EBS only
        ("multi_model_existing", True),
        ("serverless", False),  # no ML storage volume
    ],
)
def test_kms_key_on_the_volume_except_on_local_nvme(request, name, encrypted):
    synth = request.getfixturevalue(name)
    key, _ = synth.one("AWS::KMS::Key")
    config = synth.props("AWS::SageMaker::EndpointConfig")
    assert config.get("KmsKeyId") == ({"Fn::GetAtt": [key, "Arn"]} if encrypted else None)


def test_nvme_facts_come_from_the_catalog():
    from mlblueprints.catalog import load_catalog

    catalog = load_catalog()
    assert catalog.get("ml.g5.xlarge").local_nvme and catalog.get("ml.g5.12xlarge").local_nvme
    assert not catalog.get("ml.inf2.xlarge").local_nvme and not catalog.get("ml.c5.xlarge").local_nvme


def test_variants_split_traffic_by_weight(realtime):
    variants = realtime.props("AWS::SageMaker::EndpointConfig")["ProductionVariants"]
    assert [(v["VariantName"], v["InitialVariantWeight"], v["InstanceType"], v["InitialInstanceCount"]) for v in variants] == [
        ("blue", 0.9, "ml.g5.xlarge", 2),
        ("green", 0.1, "ml.g5.xlarge", 2),
    ]


def test_shadow_variant_gets_its_sampling_share(inf2_shadow):
    config = inf2_shadow.props("AWS::SageMaker::EndpointConfig")
    (shadow,) = config["ShadowProductionVariants"]
    assert (shadow["VariantName"], shadow["InitialVariantWeight"], shadow["InitialInstanceCount"]) == ("candidate", 0.25, 1)
    assert len(config["ProductionVariants"]) == 1


def test_serverless_variant_has_memory_and_concurrency(serverless):
    (variant,) = serverless.props("AWS::SageMaker::EndpointConfig")["ProductionVariants"]
    assert variant["ServerlessConfig"] == {"MemorySizeInMB": 4096, "MaxConcurrency": 50, "ProvisionedConcurrency": 2}
    assert "InstanceType" not in variant and "InitialInstanceCount" not in variant


def test_data_capture_goes_to_the_endpoint_prefix_encrypted(realtime):
    key, _ = realtime.one("AWS::KMS::Key")
    bucket = next(k for k, v in realtime.resources("AWS::S3::Bucket").items() if "LoggingConfiguration" in v["Properties"])
    realtime.template.has_resource_properties(
        "AWS::SageMaker::EndpointConfig",
        {
            "DataCaptureConfig": {
                "EnableCapture": True,
                "InitialSamplingPercentage": 20,
                "DestinationS3Uri": {"Fn::Join": ["", ["s3://", {"Ref": bucket}, "/unit/data-capture/chat"]]},
                "KmsKeyId": {"Fn::GetAtt": [key, "Arn"]},
                "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
            }
        },
    )


def test_async_output_is_encrypted_and_announced(async_zero):
    key, _ = async_zero.one("AWS::KMS::Key")
    topics = async_zero.resources("AWS::SNS::Topic")
    assert len(topics) == 2
    for topic in topics.values():
        assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    output = async_zero.props("AWS::SageMaker::EndpointConfig")["AsyncInferenceConfig"]["OutputConfig"]
    assert output["KmsKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    assert output["S3OutputPath"]["Fn::Join"][1][-1] == "/unit/async/out"
    assert output["S3FailurePath"]["Fn::Join"][1][-1] == "/unit/async/out/failures"
    assert {output["NotificationConfig"]["SuccessTopic"]["Ref"], output["NotificationConfig"]["ErrorTopic"]["Ref"]} == set(topics)


def test_endpoint_has_a_stable_name_and_generated_model_and_config_names(every):
    every.template.has_resource_properties("AWS::SageMaker::Endpoint", {"EndpointName": "unit-chat"})
    for kind in ("AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig"):
        for name, resource in every.resources(kind).items():
            assert "ModelName" not in resource["Properties"] and "EndpointConfigName" not in resource["Properties"], name


def test_sagemakers_log_group_is_kept_at_a_retention_not_owned(every):
    """SageMaker names and creates /aws/sagemaker/Endpoints/<name> itself; owning it would fail with "already
    exists" after a delete. The stack keeps a retention on it instead, set before the endpoint exists."""
    every.template.resource_count_is("AWS::Logs::LogGroup", 0)
    retention, props = every.one("Custom::LogRetention")
    assert props["Properties"]["LogGroupName"] == "/aws/sagemaker/Endpoints/unit-chat"
    assert props["Properties"]["RetentionInDays"] == 365
    assert props["Properties"].get("RemovalPolicy", "retain") == "retain"
    _, endpoint = every.one("AWS::SageMaker::Endpoint")
    assert retention in endpoint["DependsOn"]


def test_autoscaled_endpoints_keep_their_instance_count_on_update(realtime, serverless):
    """An update never resets an autoscaled variant to InitialInstanceCount; weights and capture still apply."""
    _, endpoint = realtime.one("AWS::SageMaker::Endpoint")
    assert endpoint["Properties"]["RetainAllVariantProperties"] is True
    assert endpoint["Properties"]["ExcludeRetainedVariantProperties"] == [
        {"VariantPropertyType": "DesiredWeight"}, {"VariantPropertyType": "DataCaptureConfig"}
    ]
    _, unscaled = serverless.one("AWS::SageMaker::Endpoint")
    assert "RetainAllVariantProperties" not in unscaled["Properties"]


# --- models: isolation, VPC, container -----------------------------------------------------


def test_models_from_s3_are_network_isolated_in_private_subnets(realtime):
    subnets = realtime.resources("AWS::EC2::Subnet")
    for name, model in realtime.resources("AWS::SageMaker::Model").items():
        props = model["Properties"]
        assert props["EnableNetworkIsolation"] is True, name
        refs = [s["Ref"] for s in props["VpcConfig"]["Subnets"]]
        assert len(refs) == 2
        assert all(subnets[r]["Properties"]["MapPublicIpOnLaunch"] is False for r in refs)
        # a production fleet spreads over two zones (Fn::GetAZs picks them at deploy time)
        assert len({json.dumps(subnets[r]["Properties"]["AvailabilityZone"]) for r in refs}) == 2
        assert props["PrimaryContainer"]["Image"].startswith("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.6.0-gpu-")


def test_hub_model_keeps_the_network_and_names_the_model(hub_tgi):
    props = hub_tgi.props("AWS::SageMaker::Model")
    assert props["EnableNetworkIsolation"] is False
    container = props["PrimaryContainer"]
    assert "ModelDataUrl" not in container
    assert container["Environment"] == {"HF_MODEL_ID": "Qwen/Qwen2.5-7B-Instruct", "SM_NUM_GPUS": "4"}
    assert "huggingface-pytorch-tgi-inference" in container["Image"]


def test_tgi_neuron_from_s3_is_told_where_the_weights_are(inf2_shadow):
    for model in inf2_shadow.resources("AWS::SageMaker::Model").values():
        container = model["Properties"]["PrimaryContainer"]
        assert container["Environment"] == {"HF_MODEL_ID": "/opt/ml/model"}
        assert "-neuronx-" in container["Image"]
        assert model["Properties"]["EnableNetworkIsolation"] is True


def test_serverless_has_no_vpc_no_isolation_and_no_network(serverless):
    props = serverless.props("AWS::SageMaker::Model")
    assert props["EnableNetworkIsolation"] is False
    assert "VpcConfig" not in props
    for kind in ("AWS::EC2::VPC", "AWS::EC2::SecurityGroup", "AWS::EC2::NatGateway"):
        serverless.template.resource_count_is(kind, 0)
    assert not {a for s in sagemaker_role_statements(serverless) for a in as_list(s["Action"]) if a.startswith("ec2:")}


def test_multi_model_loads_from_the_prefix_in_the_existing_vpc(multi_model_existing):
    props = multi_model_existing.props("AWS::SageMaker::Model")
    assert props["PrimaryContainer"]["Mode"] == "MultiModel"
    assert props["PrimaryContainer"]["ModelDataUrl"] == "s3://team-models/ranking/tenants/"
    assert props["VpcConfig"]["Subnets"] == ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
    multi_model_existing.template.has_resource_properties("AWS::EC2::SecurityGroup", {"VpcId": "vpc-0123456789abcdef0"})
    for kind in ("AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::S3::Bucket"):
        multi_model_existing.template.resource_count_is(kind, 0)


def test_endpoint_security_group_admits_nothing_and_sends_only_https(realtime):
    group = realtime.props("AWS::EC2::SecurityGroup")
    assert "SecurityGroupIngress" not in group
    assert [(e["IpProtocol"], e["FromPort"], e["ToPort"], e["CidrIp"]) for e in group["SecurityGroupEgress"]] == [
        ("tcp", 443, 443, "0.0.0.0/0")
    ]
    realtime.template.resource_count_is("AWS::EC2::SecurityGroupIngress", 0)


# --- IAM -----------------------------------------------------------------------------------


def test_execution_role_reads_exactly_its_artifacts(realtime):
    bucket = next(k for k, v in realtime.resources("AWS::S3::Bucket").items() if "LoggingConfiguration" in v["Properties"])
    reads = [s for s in sagemaker_role_statements(realtime) if s.get("Sid") == "ReadModelArtifacts"]
    assert reads == [
        {
            "Sid": "ReadModelArtifacts",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": [
                {"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": bucket}, f"/unit/chat/{v}/model.tar.gz"]]} for v in ("v1", "v2")
            ],
        }
    ]


def test_execution_role_writes_only_under_its_own_prefixes(async_zero, realtime):
    for synth, prefixes in ((async_zero, ["/unit/async/out/*", "/unit/async/out/failures/*"]), (realtime, ["/unit/data-capture/chat/*"])):
        writes = [s for s in sagemaker_role_statements(synth) if "s3:PutObject" in as_list(s["Action"])]
        assert sorted(s["Resource"]["Fn::Join"][1][-1] for s in writes) == prefixes


def test_async_role_reads_exactly_the_request_prefix(async_zero, synth):
    bucket = next(k for k, v in async_zero.resources("AWS::S3::Bucket").items() if "LoggingConfiguration" in v["Properties"])
    reads = [s for s in sagemaker_role_statements(async_zero) if s.get("Sid", "").startswith("ReadAsyncRequests")]
    assert reads == [
        {
            "Sid": "ReadAsyncRequests0",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": {"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": bucket}, "/unit/async-inputs/chat/*"]]},
        }
    ]
    (policy,) = [v for k, v in async_zero.resources("AWS::IAM::Policy").items() if "AsyncRequestPolicy" in k]
    waivers = policy["Metadata"]["cdk_nag"]["rules_to_suppress"]
    # The compute stack reads the bucket's name from the data stack's parameter (stacks/handoff.py).
    (parameter,) = [k for k, v in async_zero.compute_json["Parameters"].items() if v.get("Default", "").endswith("/model-bucket-name")]
    assert [(w["id"], w["applies_to"]) for w in waivers] == [
        ("AwsSolutions-IAM5", [f"Resource::arn:aws:s3:::<{parameter}>/unit/async-inputs/chat/*"])
    ]
    assert "InputLocation" in waivers[0]["reason"]
    # Only async endpoints read callers' requests.
    assert not [s for s in sagemaker_role_statements(synth(REALTIME)) if s.get("Sid", "").startswith("ReadAsyncRequests")]


def test_async_input_path_is_granted_in_an_existing_bucket(synth):
    document = fleet(
        {**ASYNC_ZERO_ENDPOINT, "async": {"output_path": "async/out", "input_path": "/uploads/whisper/"}},
        {"bucket": {"existing": "team-audio", "prefix": "media"}},
    )
    fleet_ = synth(document)
    reads = [s for s in sagemaker_role_statements(fleet_) if s.get("Sid", "").startswith("ReadAsyncRequests")]
    assert [s["Resource"] for s in reads] == ["arn:aws:s3:::team-audio/media/uploads/whisper/*"]
    fleet_.template.has_output("AsyncInputUriChat", {"Value": "s3://team-audio/media/uploads/whisper/"})
    findings = fleet_.annotations.find_error("*", Match.string_like_regexp("AwsSolutions-IAM5.*"))
    assert [f.entry.data for f in findings] == []


def test_image_pull_is_scoped_to_the_dlc_repository(realtime, hub_tgi):
    for synth, repository in ((realtime, "pytorch-inference"), (hub_tgi, "huggingface-pytorch-tgi-inference")):
        pulls = [s for s in sagemaker_role_statements(synth) if s.get("Sid") == "PullServingImage"]
        assert [s["Resource"] for s in pulls] == [f"arn:aws:ecr:us-east-1:763104351884:repository/{repository}"]


def test_async_role_publishes_only_to_its_topics(async_zero):
    (publish,) = [s for s in sagemaker_role_statements(async_zero) if "sns:Publish" in as_list(s["Action"])]
    assert sorted(r["Ref"] for r in publish["Resource"]) == sorted(async_zero.resources("AWS::SNS::Topic"))


def test_no_service_wildcards_and_star_resources_only_where_documented(every):
    for statement in identity_statements(every.json):
        actions = as_list(statement["Action"])
        assert not [a for a in actions if a == "*" or a.endswith(":*")], statement
        if "*" in as_list(statement["Resource"]):
            assert set(actions) <= UNSCOPED | LOG_RETENTION_ACTIONS, statement


def test_no_managed_policies_and_never_sagemaker_full_access(every):
    assert "AmazonSageMakerFullAccess" not in json.dumps(every.json)
    for name, role in every.resources("AWS::IAM::Role").items():
        if "sagemaker.amazonaws.com" in json.dumps(role["Properties"]["AssumeRolePolicyDocument"]):
            assert "ManagedPolicyArns" not in role["Properties"], name


def test_models_wait_for_every_policy_of_their_execution_role(realtime):
    (role,) = [k for k, v in realtime.resources("AWS::IAM::Role").items()
               if "sagemaker.amazonaws.com" in json.dumps(v["Properties"]["AssumeRolePolicyDocument"])]
    policies = {k for k, v in realtime.resources("AWS::IAM::Policy").items() if {"Ref": role} in v["Properties"]["Roles"]}
    assert len(policies) == 3  # scoped, prefix (data capture), unscoped
    for name, model in realtime.resources("AWS::SageMaker::Model").items():
        assert model["Properties"]["ExecutionRoleArn"] == {"Fn::GetAtt": [role, "Arn"]}
        assert set(model["DependsOn"]) == policies, name


# --- alarms --------------------------------------------------------------------------------


def test_error_rate_and_latency_alarms_per_variant_notify_the_encrypted_topic(realtime):
    topic, props = realtime.one("AWS::SNS::Topic")
    key, _ = realtime.one("AWS::KMS::Key")
    assert props["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    for variant in ("blue", "green"):
        dimensions = [{"Name": "EndpointName", "Value": "unit-chat"}, {"Name": "VariantName", "Value": variant}]
        realtime.template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"MetricName": "Invocation5XXErrors", "Statistic": "Average", "Threshold": 0.02, "Dimensions": dimensions,
             "AlarmActions": [{"Ref": topic}]},
        )
        realtime.template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"MetricName": "ModelLatency", "ExtendedStatistic": "p99", "Threshold": 1_500_000, "Dimensions": dimensions,
             "AlarmActions": [{"Ref": topic}]},
        )


def test_default_latency_thresholds_follow_the_invocation_timeouts(serverless, async_zero):
    serverless.template.has_resource_properties("AWS::CloudWatch::Alarm", {"MetricName": "ModelLatency", "Threshold": 30_000_000})
    async_zero.template.has_resource_properties("AWS::CloudWatch::Alarm", {"MetricName": "ModelLatency", "Threshold": 450_000_000})


def test_cloudwatch_may_use_the_key_for_the_alarm_topic(realtime):
    policy = realtime.props("AWS::KMS::Key")["KeyPolicy"]
    (statement,) = [s for s in policy["Statement"] if s.get("Sid") == "AllowCloudWatchAlarmsToPublish"]
    assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}


# --- stack ---------------------------------------------------------------------------------


def test_data_holding_resources_are_retained(every):
    for kind in DATA_HOLDING:
        for name, resource in every.resources(kind).items():
            assert resource.get("DeletionPolicy") == "Retain", name
            assert resource.get("UpdateReplacePolicy") == "Retain", name


def test_template_passes_cfn_lint(every):
    from cfnlint.api import lint

    matches = lint(json.dumps(every.json), regions=[every.blueprint.spec.region])
    assert [f"{m.rule.id}: {m.message}" for m in matches if m.rule.id.startswith("E")] == []


def test_no_unsuppressed_cdk_nag_findings(every):
    errors = every.annotations.find_error("*", Match.string_like_regexp("AwsSolutions-.*"))
    warnings = every.annotations.find_warning("*", Match.string_like_regexp("(AwsSolutions-|CdkNagValidationFailure).*"))
    assert [f"{e.id}: {e.entry.data}" for e in errors + warnings] == []


def test_outputs_name_the_endpoint_and_the_prefix(realtime, async_zero):
    realtime.template.has_output("EndpointNameChat", {})
    realtime.template.has_output("ModelPrefix", {})
    realtime.template.has_output("AlarmTopicArn", {})
    async_zero.template.has_output("SuccessTopicArnChat", {})
    async_zero.template.has_output("ErrorTopicArnChat", {})


def test_async_endpoint_outputs_where_callers_upload_requests(async_zero, realtime):
    bucket = next(k for k, v in async_zero.resources("AWS::S3::Bucket").items() if "LoggingConfiguration" in v["Properties"])
    async_zero.template.has_output(
        "AsyncInputUriChat",
        {"Value": {"Fn::Join": ["", ["s3://", {"Ref": bucket}, "/unit/async-inputs/chat/"]]}},
    )
    assert not realtime.template.find_outputs("AsyncInputUri*")


def test_logical_ids_do_not_depend_on_weights_or_thresholds(synth, realtime):
    document = fleet(
        {"variants": [dict(v, weight=0.5) for v in TWO_VARIANTS],
         "autoscaling": {"min": 3, "max": 12, "invocations_per_instance": 500}},
        {"alarm_topic": True},
    )
    document["spec"]["endpoints"][0]["data_capture"] = {"sampling_percentage": 5}
    other = synth(document)
    missing = set(realtime.json["Resources"]) - set(other.json["Resources"])
    assert missing == {k for k in realtime.json["Resources"] if "StepScaling" in k}


def test_a_second_endpoint_gets_its_own_constructs(synth):
    document = fleet(endpoints=[endpoint(), endpoint({"name": "embed", "instance_type": "ml.c5.xlarge"})])
    two = synth(document)
    two.template.resource_count_is("AWS::SageMaker::Endpoint", 2)
    two.template.resource_count_is("Custom::LogRetention", 2)
    roles = [r for r in two.resources("AWS::IAM::Role").values() if "sagemaker" in json.dumps(r)]
    assert len(roles) == 2
    two.template.has_resource_properties("AWS::SageMaker::Endpoint", {"EndpointName": "unit-embed"})
