"""Deploy the CDK app for real against moto's server on loopback: no AWS account needed.

* ``e2e.emulator``: start and stop the moto server (free port, readiness, PID file).
* ``e2e.deploy``: synth, seed, bootstrap, deploy, check, update, destroy; ``make deploy-local``.
* ``e2e.checks``: what must exist after a deploy, asked through boto3.
* ``e2e/blueprints/``: the emulator-friendly blueprints it deploys.

Used by ``make deploy-local`` and ``tests/e2e``: one implementation.
"""
