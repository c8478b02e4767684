"""The emulator process: started on a free port, answers, publishes public parameters, never outlives its owner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request

import pytest

from e2e import checks, emulator
from e2e.deploy import Assembly, StackArtifact, _deploy_seconds

pytestmark = pytest.mark.e2e


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by a parent that was killed) counts as gone.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_start_writes_the_pid_and_stop_ends_the_process_and_removes_it(tmp_path):
    pid_file = tmp_path / "emulator.pid"
    running = emulator.start(pid_file=pid_file, log_file=tmp_path / "emulator.log")
    assert pid_file.read_text().strip() == str(running.process.pid)
    assert running.url.startswith("http://localhost:")
    running.stop()
    assert running.process.returncode is not None
    assert not pid_file.exists()
    running.stop()  # idempotent


def test_public_parameters_can_be_published_and_read_back(local_emulator):
    path = "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id"
    local_emulator.publish_parameter(region="eu-west-1", name=path, value="ami-0123456789abcdef0")
    ssm = checks.client("ssm", "eu-west-1", local_emulator.url)
    parameter = ssm.get_parameter(Name=path)["Parameter"]
    assert (parameter["Value"], parameter["DataType"]) == ("ami-0123456789abcdef0", "aws:ec2:image")
    # What the route exists for: moto, like AWS, refuses the reserved /aws/ prefix through the API.
    with pytest.raises(ssm.exceptions.ClientError, match="reserved parameter name"):
        ssm.put_parameter(Name=path, Value="ami-1", Type="String", Overwrite=True)


def test_the_route_takes_only_post(local_emulator):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(local_emulator.url + emulator.SEED_PATH, timeout=5)
    assert error.value.code == 403


def test_the_server_exits_when_its_owner_is_killed(tmp_path):
    """A SIGKILLed test run or deploy script cannot run finalizers; the server notices and exits."""
    owner = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(
            """
            import sys, time
            from e2e import emulator
            running = emulator.start()
            print(running.process.pid, flush=True)
            time.sleep(600)
            """
        )],
        stdout=subprocess.PIPE, text=True, cwd=emulator.__file__.rsplit("/e2e/", 1)[0],
    )
    server = int(owner.stdout.readline())
    assert alive(server)
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    assert wait_gone(server, 10), "the emulator outlived its owner"


def test_stop_pid_file_ends_a_leftover_server(tmp_path):
    """What the Makefile's trap runs."""
    pid_file = tmp_path / "emulator.pid"
    running = emulator.start(pid_file=pid_file)
    assert emulator.stop_pid_file(pid_file)
    running.process.wait(15)
    assert not pid_file.exists()
    assert not emulator.stop_pid_file(pid_file)  # nothing left: a no-op


def test_deploy_seconds_are_read_per_stack_from_the_cli_output():
    assembly = Assembly(
        path=None,
        stacks=(
            StackArtifact("LocalA", "mlbp-local-a", "us-east-1", {}),
            StackArtifact("LocalB", "mlbp-local-b", "us-west-2", {}),
        ),
    )
    output = "\n".join([
        "LocalA (mlbp-local-a): deploying... [1/2]",
        " ✅  LocalA (mlbp-local-a)",
        "",
        "✨  Deployment time: 0.61s",
        " ✅  LocalB (mlbp-local-b)",
        "✨  Deployment time: 1.5s",
        "✨  Total time: 3.2s",
    ])
    assert _deploy_seconds(output, assembly) == {"mlbp-local-a": 0.61, "mlbp-local-b": 1.5}
