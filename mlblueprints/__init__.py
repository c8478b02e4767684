"""mlblueprints: validate ML compute blueprints offline and turn them into AWS CDK stacks.

Nothing in this package imports ``aws_cdk`` or ``constructs``: validating, costing
and planning start no Node process. The CDK side lives in ``stacks/``.
"""

__version__ = "0.1.0"
