"""moto's server on loopback, with one extra route to publish public SSM parameters.

The stacks read their AMI from public SSM parameters (``/aws/service/deeplearning/...``,
``/aws/service/neuron/...``). moto refuses ``PutParameter`` under ``/aws/`` as AWS does
(``AccessDeniedException: No access to reserved parameter name``), and its CloudFormation
resolves an SSM-typed parameter's *Default* even when the deploy passes another value.
So the emulator is moto's own server application (what ``moto_server`` runs) with one
loopback-only route, ``POST /_mlbp/public-parameter``, that writes a parameter straight into
moto's SSM store, the way moto loads the public parameters it ships itself.

``python -m e2e.emulator serve --port N`` runs it; :func:`start` spawns that, waits until
it answers and hands back an :class:`Emulator` whose ``stop()`` (also on ``with`` exit)
terminates it, then kills it. ``python -m e2e.emulator stop --pid-file F`` is the shell's
trap for the case where the Python process that started it could not clean up. Should that
process die without any cleanup (SIGKILL), the server exits too: it gets SIGTERM from the
kernel on Linux (:func:`die_with_parent`) and checks its parent every second elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

#: moto's default account; every request with any dummy credentials lands in it.
ACCOUNT_ID = "123456789012"
#: `localhost`, not 127.0.0.1: the SDKs address S3 buckets as virtual hosts
#: (``<bucket>.localhost``), which an IP address cannot carry.
HOST = "localhost"
SEED_PATH = "/_mlbp/public-parameter"
READY_PATH = "/moto-api/data.json"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def die_with_parent() -> None:
    """``preexec_fn`` for children: on Linux they get SIGTERM when their parent dies (PR_SET_PDEATHSIG).

    Covers a SIGKILLed test run or deploy, which cannot clean up; elsewhere a no-op.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Emulator:
    """A running emulator: ``url`` for ``AWS_ENDPOINT_URL``, ``stop()`` to end it."""

    port: int
    process: subprocess.Popen
    pid_file: Path | None = None
    log_file: Path | None = None
    _stopped: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def publish_parameter(self, *, region: str, name: str, value: str, data_type: str = "aws:ec2:image") -> None:
        """Create or overwrite a public (``/aws/...``) SSM parameter in ``region``."""
        body = json.dumps({"region": region, "name": name, "value": value, "data_type": data_type}).encode()
        request = urllib.request.Request(
            self.url + SEED_PATH, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status != 204:
                raise RuntimeError(f"seeding {name} failed: HTTP {response.status}")

    def stop(self, timeout: float = 10) -> None:
        """Terminate, then kill after ``timeout`` seconds; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self.pid_file is not None:
            self.pid_file.unlink(missing_ok=True)

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(*, port: int | None = None, pid_file: Path | None = None, log_file: Path | None = None,
          timeout: float = 60) -> Emulator:
    """Spawn the emulator on ``localhost:port`` (a free port by default) and wait until it answers."""
    port = port or free_port()
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_file, "wb") if log_file is not None else subprocess.DEVNULL  # noqa: SIM115
    env = {**os.environ, **DUMMY_CREDENTIALS}
    process = subprocess.Popen(
        [sys.executable, "-m", "e2e.emulator", "serve", "--port", str(port), "--parent-pid", str(os.getpid())],
        cwd=Path(__file__).resolve().parents[1],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        preexec_fn=die_with_parent,
    )
    if log is not subprocess.DEVNULL:
        log.close()  # the child holds its own descriptor
    emulator = Emulator(port=port, process=process, pid_file=pid_file, log_file=log_file)
    if pid_file is not None:
        pid_file.parent.mkdir(parents=True, exist_ok=True)
        pid_file.write_text(f"{process.pid}\n")
    try:
        _wait_until_ready(emulator, timeout)
    except BaseException:
        emulator.stop()
        raise
    return emulator


def _wait_until_ready(emulator: Emulator, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if emulator.process.poll() is not None:
            raise RuntimeError(f"the emulator exited with {emulator.process.returncode}; see {emulator.log_file}")
        try:
            with urllib.request.urlopen(emulator.url + READY_PATH, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"the emulator did not answer on {emulator.url} within {timeout:.0f} s")
        time.sleep(0.2)


def stop_pid_file(pid_file: Path, timeout: float = 10) -> bool:
    """Stop the process named in ``pid_file`` if it still runs; True if there was one."""
    try:
        pid = int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return False
    pid_file.unlink(missing_ok=True)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _running(pid):
            return True
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return True


def _running(pid: int) -> bool:
    """Alive and not a zombie (an exited child its parent has not reaped yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


# --- the server process -------------------------------------------------------------------


class PublicParameterRoute:
    """WSGI middleware: ``POST /_mlbp/public-parameter`` from loopback; everything else to moto."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != SEED_PATH:
            return self.app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("REMOTE_ADDR") not in ("127.0.0.1", "::1"):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"loopback POST only\n"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length))
        _publish(**body)
        start_response("204 No Content", [])
        return [b""]


def _publish(*, region: str, name: str, value: str, data_type: str = "text") -> None:
    from moto.core.utils import utcnow
    from moto.ssm.models import Parameter, ssm_backends

    versions = ssm_backends[ACCOUNT_ID][region]._parameters[name]
    versions.append(
        Parameter(
            account_id=ACCOUNT_ID,
            name=name,
            value=value,
            parameter_type="String",
            description="public parameter published by e2e.emulator",
            allowed_pattern=None,
            keyid=None,
            last_modified_date=utcnow(),
            version=len(versions) + 1,
            data_type=data_type,
        )
    )


def _exit_with_parent(parent_pid: int) -> None:
    """End this process when ``parent_pid`` is gone: a killed test run or deploy leaves no server behind."""
    while True:
        time.sleep(1)
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass  # alive, owned by someone else


def serve(port: int, parent_pid: int | None = None) -> None:
    """What ``moto_server -H localhost -p PORT`` does, with :class:`PublicParameterRoute` in front."""
    from moto.server import signal_handler
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    from e2e import moto_shims

    moto_shims.apply_all()
    os.environ.setdefault("MOTO_PORT", str(port))
    if parent_pid is not None:
        threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    signal.signal(signal.SIGINT, signal_handler)
    signal.signal(signal.SIGTERM, signal_handler)
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(HOST, port, PublicParameterRoute(app), threaded=True, request_handler=MotoRequestHandler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m e2e.emulator", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="run the emulator in the foreground")
    serve_cmd.add_argument("--port", type=int, required=True)
    serve_cmd.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    stop_cmd = commands.add_parser("stop", help="stop the emulator named in a PID file, if it still runs")
    stop_cmd.add_argument("--pid-file", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.port, args.parent_pid)
        return 0
    if stop_pid_file(args.pid_file):
        print(f"stopped the emulator from {args.pid_file}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
