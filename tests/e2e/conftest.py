"""The emulator and one deployment of e2e/blueprints, shared by the whole e2e session.

The session-scoped ``local_emulator`` fixture owns the moto server process: it starts
it on a free port, waits until it answers, and terminates it (then kills it) in its
finalizer, which pytest runs when a test fails and on Ctrl-C. If pytest itself is
killed, the server notices its parent is gone and exits (``--parent-pid``).
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

pytest.importorskip("moto", reason="the e2e extra is not installed: pip install -e '.[e2e]' (make test does)")

from e2e import emulator  # noqa: E402
from e2e.deploy import ROOT, LocalDeployment  # noqa: E402

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def local_emulator(e2e_dir):
    if not (ROOT / "node_modules" / ".bin" / "cdk").exists():
        pytest.fail("the pinned CDK CLI is not installed; run `make setup`")
    # SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so the finalizer below still runs.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    running = emulator.start(log_file=e2e_dir / "emulator.log")
    try:
        yield running
    finally:
        running.stop()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def deployment(local_emulator, e2e_dir) -> LocalDeployment:
    """e2e/blueprints synthesized with the emulator's account, reviewed, seeded, bootstrapped and deployed."""
    deployment = LocalDeployment(emulator=local_emulator, workdir=e2e_dir / "work")
    deployment.synth()
    deployment.review()  # AWS would reject what the pack finds; moto would not
    deployment.seed_public_parameters()
    deployment.bootstrap()
    deployment.times.deploy = deployment.deploy()
    return deployment

