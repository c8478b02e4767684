"""Rules on values passed to AWS as written (BP041-BP045): CIDR blocks, bucket names, tags, S3 URIs.

The schema checks their shape; these rules check what AWS and CDK's own checks at
synth accept (``mlblueprints.aws_formats``), so a value that passes never ends in
an ``InvalidIpAddress`` or ``InvalidBucketNameValue`` error in ``cdk synth`` or a
tag pattern error (E3031) in its template validation.
"""

from __future__ import annotations

from mlblueprints import aws_formats
from mlblueprints.diagnostics import Level
from mlblueprints.model.inference_fleet import DATA_CAPTURE_PREFIX
from mlblueprints.rules.base import Finding, Rule

EVERY_KIND = frozenset({"TrainingCluster", "InferenceFleet", "UltraCluster"})
CIDR = ("spec", "network", "vpc_cidr")


def _new_vpc_cidr(blueprint) -> str | None:
    network = blueprint.spec.network
    return None if network.is_existing else network.vpc_cidr


class VpcCidrValid(Rule):
    id = "BP041"
    level = Level.ERROR
    summary = "A new VPC's CIDR is a real IPv4 network: octets 0-255, host bits zero, not reserved space"
    source_url = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html"
    kinds = EVERY_KIND

    def check(self, blueprint, context):
        cidr = _new_vpc_cidr(blueprint)
        if cidr is None:
            return
        network, problem = aws_formats.parse_vpc_cidr(cidr)
        if network is None:
            intended = aws_formats.network_of(cidr)
            usable = intended is not None and aws_formats.parse_vpc_cidr(str(intended))[0] is not None
            yield Finding(
                CIDR, problem,
                f"write `vpc_cidr: {intended}`" if usable else "use a private block such as 10.0.0.0/16",
            )


class VpcCidrPrivate(Rule):
    id = "BP042"
    level = Level.WARNING
    summary = "A new VPC's CIDR is private address space (RFC 1918 or 100.64.0.0/10)"
    source_url = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html"
    kinds = EVERY_KIND

    def check(self, blueprint, context):
        cidr = _new_vpc_cidr(blueprint)
        network = aws_formats.parse_vpc_cidr(cidr)[0] if cidr else None
        if network is not None and not aws_formats.is_private(network):
            yield Finding(
                CIDR,
                f"{network} is public address space: hosts that really own it become unreachable from the VPC",
                "use a block inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10, "
                "or suppress BP042 if you own this range",
            )


def _bucket_names(blueprint):
    spec = blueprint.spec
    if blueprint.kind == "InferenceFleet":
        yield ("spec", "bucket", "existing"), spec.bucket.existing
    elif blueprint.kind == "TrainingCluster":
        yield ("spec", "storage", "data_bucket", "existing"), spec.storage.data_bucket.existing
    else:
        repository = spec.storage.data_repository
        yield ("spec", "storage", "data_repository", "bucket"), repository.bucket if repository else None


class BucketNameValid(Rule):
    id = "BP043"
    level = Level.ERROR
    summary = "Existing S3 bucket names follow S3's naming rules (and CDK's, which synth applies)"
    source_url = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
    kinds = EVERY_KIND

    def check(self, blueprint, context):
        for path, name in _bucket_names(blueprint):
            if name is None:
                continue
            problems = aws_formats.bucket_name_problems(name)
            if problems:
                yield Finding(
                    path,
                    f"{name!r} cannot be an S3 bucket name: {'; '.join(problems)}",
                    "copy the bucket's name from the S3 console",
                )


class TagsValid(Rule):
    id = "BP044"
    level = Level.ERROR
    summary = "Tag keys and values (metadata.tags, and owner, which becomes the `owner` tag) match AWS's tag pattern"
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html"
    kinds = EVERY_KIND

    def check(self, blueprint, context):
        metadata = blueprint.metadata
        hint = "tags may hold letters, digits, spaces and _ . : / = + - @ (no parentheses, quotes, emoji or line breaks)"
        for problem in aws_formats.tag_problems(metadata.owner, key=False):
            yield Finding(("metadata", "owner"), f"owner becomes the `owner` tag value: {problem}", hint)
        for key, value in metadata.tags.items():
            for problem in aws_formats.tag_problems(key, key=True):
                yield Finding(("metadata", "tags", key), problem, hint)
            for problem in aws_formats.tag_problems(value, key=False):
                yield Finding(("metadata", "tags", key), f"tag {key!r}: {problem}", hint)


#: A bucket the stack creates gets a CloudFormation-generated name of at most this many characters.
NEW_BUCKET_NAME_LENGTH = 63


class ComposedUrisFit(Rule):
    """Each S3 URI is ``s3://<bucket>/<fleet prefix>/<path>`` (stacks/constructs/endpoint.py); a new
    bucket's generated name is counted at its longest, 63 characters."""

    id = "BP045"
    level = Level.ERROR
    summary = "S3 URIs and image URIs the stack composes fit SageMaker's length limits"
    source_url = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceOutputConfig.html"
    kinds = frozenset({"InferenceFleet"})

    def check(self, blueprint, context):
        spec = blueprint.spec
        limits = aws_formats.formats()["sagemaker_lengths"]
        base = len(f"s3://{'b' * len(spec.bucket.existing or 'b' * NEW_BUCKET_NAME_LENGTH)}/{spec.bucket.prefix}/")
        for endpoint in spec.endpoints:
            checks = []
            config = endpoint.async_inference
            if config is not None and config.output_path:
                checks.append(("S3OutputPath", ("async", "output_path"), config.output_path))
                checks.append(("S3FailurePath", ("async", "failure_path"), config.failure_path))
            if endpoint.data_capture is not None:
                checks.append(("DestinationS3Uri", ("data_capture",), f"{DATA_CAPTURE_PREFIX}/{endpoint.name}"))
            models = [(("variants", i, "model"), v.model) for i, v in enumerate(endpoint.variants)]
            if endpoint.shadow is not None:
                models.append((("shadow", "model"), endpoint.shadow.model))
            for path, model in models:
                key = model.artifact or model.prefix
                if key is not None:
                    checks.append(("ModelDataUrl", path, key + "/"))
            for name, path, relative in checks:
                if base + len(relative) > limits[name]:
                    yield Finding(
                        endpoint.path + path,
                        f"{name} would be {base + len(relative)} characters (s3://<bucket>/<prefix>/{relative[:40]}...); "
                        f"SageMaker accepts at most {limits[name]}",
                        "shorten the bucket `prefix` or this path",
                    )


FORMAT_RULES = (VpcCidrValid(), VpcCidrPrivate(), BucketNameValid(), TagsValid(), ComposedUrisFit())
