"""CDK stacks built from validated, resolved blueprints (the only code that imports aws_cdk)."""
