"""`mlbp` at its edges: hostile names, unreadable paths, signals, pipes, a full disk, standard input.

Where process behaviour is the point (signals, pipes, /dev/full, the encoding of
standard output) the test starts `python -m mlblueprints.cli` as a user would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from mlblueprints import pipeline
from mlblueprints.cli import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, main
from mlblueprints.diagnostics import Diagnostic, Level, printable
from mlblueprints.loader import MAX_PROBLEMS, TOO_MANY
from tests.blueprint_factory import patched, to_yaml

ROOT = Path(__file__).resolve().parents[1]
MLBP = [sys.executable, "-m", "mlblueprints.cli"]
BAD = to_yaml(patched({"spec": {"nodes": {"min": 3, "desired": 3, "max": 2}}}))
FORGED_KEY = "x\nother.yaml:1:1: warning[BP000]: all clear\x1b[2J\x1b]0;title\x07\u2028\u0085\u202e"


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("capture_output", True)
    return subprocess.run([*MLBP, *args], cwd=ROOT, **kwargs)


def assert_no_traceback(stderr: bytes | str) -> None:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in text and "Exception ignored" not in text, text


@pytest.fixture
def bad(tmp_path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    return path


def blueprint(name: str) -> str:
    return to_yaml(patched({"metadata": {"name": name}}))


# Escape everything echoed -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text,shown",
    [
        ("plain text, `quotes` and é ✓", "plain text, `quotes` and é ✓"),
        ("a\nb\r\tc", "a\\nb\\r\\tc"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("del\x7f c1\x9b nel\x85", "del\\x7f c1\\x9b nel\\x85"),
        ("\u2028\u2029", "\\u2028\\u2029"),
        ("\u202aembed\u202e override\u2066isolate\u2069", "\\u202aembed\\u202e override\\u2066isolate\\u2069"),
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("bad\udcffbyte", "bad\\xffbyte"),  # a non-UTF-8 file name byte (PEP 383)
        ("\U000e0041tag", "\\U000e0041tag"),
        ("back\\slash", "back\\slash"),
    ],
)
def test_printable_escapes_what_breaks_lines_or_drives_terminals(text, shown):
    assert printable(text) == shown
    assert printable(shown) == shown  # escaping twice changes nothing


@pytest.fixture
def forged(tmp_path) -> Path:
    path = tmp_path / "evil\n\x1b[1mname.yaml"
    path.write_text(blueprint("unit") + f'"{FORGED_KEY.encode("unicode_escape").decode()}": 1\n')
    return path


def test_text_format_cannot_forge_a_line(forged, capsys):
    assert main(["validate", str(forged)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()  # splits at U+2028, U+0085 and the rest too
    assert lines == out.split("\n")[:-1]
    heads = [line for line in lines if not line.startswith("  hint: ")]
    prefix = printable(str(forged)) + ":"
    assert heads and all(line.startswith(prefix) for line in heads)
    assert "\\nother.yaml:1:1: warning[BP000]: all clear\\x1b[2J" in out
    assert all(line.isprintable() for line in lines)


def test_json_format_escapes_every_field(forged, capsys):
    assert main(["validate", "--format", "json", str(forged)]) == 1
    out = capsys.readouterr().out
    findings = json.loads(out)
    unknown = next(f for f in findings if f["code"] == "BP020")
    assert unknown["file"] == printable(str(forged))
    assert "\\x1b[2J" in unknown["message"] and "\\x1b[2J" in unknown["path"]
    for finding in findings:
        assert all(value.isprintable() for value in finding.values() if isinstance(value, str))


def test_github_format_keeps_one_annotation_a_line(forged, capsys):
    assert main(["validate", "--format", "github", str(forged)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("::error file=") for line in lines)
    assert all(line.isprintable() for line in lines)


def test_a_usage_error_echoing_a_path_stays_one_line(capsys):
    assert main(["validate", "no\nsuch\x1b[31m.yaml"]) == 2
    assert capsys.readouterr().err == "mlbp: error: no\\nsuch\\x1b[31m.yaml: no such file or directory\n"


def test_output_in_an_encoding_without_the_character_is_escaped_not_a_traceback(tmp_path):
    path = tmp_path / "é.yaml"
    path.write_text(BAD)
    result = run("validate", str(path), env={**os.environ, "PYTHONIOENCODING": "ascii"}, text=True)
    assert result.returncode == 1
    assert_no_traceback(result.stderr)
    assert "\\xe9.yaml:11:10: error[BP106]" in result.stdout


def test_argparse_echo_is_escaped(capsys):
    with pytest.raises(SystemExit):
        main(["validate", "--\x1b]0;pwned\x07", "a.yaml"])
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b]0;pwned\\x07" in err


# Cap every stage ---------------------------------------------------------------------------


def test_thousands_of_suppressions_print_at_most_one_capped_report(tmp_path):
    document = patched({"metadata": {"suppress": [{"rule": f"BP{i % 1000:03d}", "reason": "x" * 12} for i in range(9000)]}})
    path = tmp_path / "many.yaml"
    path.write_text(to_yaml(document))
    result = run("validate", "--format", "json", str(path))
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert len(findings) <= MAX_PROBLEMS + 1
    assert len(result.stdout) < 64 * 1024


def _at(line: int, level: Level = Level.ERROR, file: str = "a.yaml") -> Diagnostic:
    return Diagnostic(file, line, 1, "BP030", level, f"problem on line {line}")


def test_cap_counts_every_stage_of_a_file_together():
    report = pipeline._capped([_at(i) for i in range(1, 151)] + [_at(1, file="b.yaml")])
    shown = [d for d in report if d.file == "a.yaml"]
    assert len(shown) == MAX_PROBLEMS + 1
    assert shown[-1].code == TOO_MANY and shown[-1].level is Level.ERROR
    assert shown[-1].line == MAX_PROBLEMS + 1  # where the first problem not shown is
    assert [d.file for d in report].count("b.yaml") == 1


def test_cap_over_warnings_alone_does_not_turn_the_run_red():
    report = pipeline._capped([_at(i, Level.WARNING) for i in range(1, 201)])
    assert report[-1].code == TOO_MANY and report[-1].level is Level.WARNING


def test_a_stage_that_stopped_by_itself_keeps_its_single_bp012():
    stopped = Diagnostic("a.yaml", 9, 1, TOO_MANY, Level.ERROR, "stopped after 100 problems")
    report = pipeline._capped([_at(i) for i in range(1, 60)] + [stopped] + [_at(i) for i in range(60, 120)])
    assert [d.code for d in report].count(TOO_MANY) == 1
    assert len(report) == MAX_PROBLEMS + 1


# No tracebacks, right exit codes -----------------------------------------------------------


def test_a_5000_character_path_is_a_one_line_usage_error(capsys):
    assert main(["validate", "a" * 5000]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "file name too long" in err and len(err) < 200


def test_a_path_under_a_folder_without_search_permission_is_reported(tmp_path, monkeypatch, capsys):
    """Simulated, so it holds when the tests run as root (which permissions do not stop)."""
    target = tmp_path / "locked" / "a.yaml"
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if Path(path) == target:
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    assert main(["validate", str(target)]) == 1
    out = capsys.readouterr().out
    assert f"{target}:1:1: error[BP013]: cannot read this file (Permission denied)" in out


def test_unreadable_file_and_subfolder_are_reported_and_the_rest_is_checked(tmp_path, monkeypatch, capsys):
    """Simulated as above: one subfolder cannot be listed, one file cannot be opened."""
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "hidden.yaml").write_text(blueprint("hidden"))
    (tmp_path / "secret.yaml").write_text(blueprint("secret"))
    (tmp_path / "ok.yaml").write_text(blueprint("ok"))
    real_scandir, real_load = os.scandir, pipeline.load_file

    def scandir(path="."):
        if Path(path) == tmp_path / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def load_file(path, name=None):
        if Path(path).name == "secret.yaml":
            raise PermissionError(13, "Permission denied", str(path))
        return real_load(path, name)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(pipeline, "load_file", load_file)
    assert main(["validate", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert f"{tmp_path / 'locked'}:1:1: error[BP014]: cannot search this folder (Permission denied)" in captured.out
    assert f"{tmp_path / 'secret.yaml'}:1:1: error[BP013]: cannot read this file (Permission denied)" in captured.out
    assert "1 blueprint(s) checked: 2 error(s), 0 warning(s)" in captured.err


@pytest.fixture
def shared_tmp():
    """A folder another user can enter (pytest's own tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="mlbp-perm-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder)


def test_real_permissions_as_an_unprivileged_user(shared_tmp):
    """Permission bits for real: as root (CI), the child drops to `nobody` once mlbp is imported."""
    (shared_tmp / "open").mkdir()
    (shared_tmp / "open" / "ok.yaml").write_text(blueprint("ok"))
    (shared_tmp / "secret.yaml").write_text(blueprint("secret"))
    (shared_tmp / "secret.yaml").chmod(0)
    locked = shared_tmp / "locked"
    locked.mkdir()
    (locked / "inside.yaml").write_text(blueprint("inside"))
    locked.chmod(0)
    drop = "os.setgid(65534); os.setuid(65534); " if os.geteuid() == 0 else ""
    # Everything imported and loaded first (the parser imports the subcommands' modules, validating
    # the examples reads every data file): `nobody` may read neither the Python installation nor a
    # checkout under a private folder.
    code = (
        "import os, sys; from mlblueprints.cli import _parser, main; import mlblueprints.pipeline; "
        f"_parser(); mlblueprints.pipeline.validate_paths(['blueprints']); {drop}sys.exit(main(sys.argv[1:]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "validate", str(shared_tmp), str(locked / "inside.yaml")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert_no_traceback(result.stderr)
    assert result.returncode == 1, result.stderr
    assert f"{locked}:1:1: error[BP014]: cannot search this folder (Permission denied)" in result.stdout
    assert f"{locked / 'inside.yaml'}:1:1: error[BP013]: cannot read this file (Permission denied)" in result.stdout
    assert f"{shared_tmp / 'secret.yaml'}:1:1: error[BP013]" in result.stdout
    assert "1 blueprint(s) checked: 3 error(s)" in result.stderr


@pytest.mark.parametrize("form", ["text", "json", "github"])
def test_a_non_utf8_file_name_prints_with_a_utf8_stdout(tmp_path, form):
    folder = os.fsencode(tmp_path)
    path = os.path.join(folder, b"bad\xff\x1b.yaml")
    with open(path, "w") as stream:
        stream.write(BAD)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([*MLBP, "validate", "--format", form, path], cwd=ROOT, capture_output=True, env=env)
    assert_no_traceback(result.stderr)
    assert result.returncode == 1
    assert b"bad\\xff\\x1b.yaml" in result.stdout.replace(b"\\\\", b"\\")


def test_ctrl_c_prints_one_line_and_exits_130(tmp_path):
    fifo = tmp_path / "slow.yaml"
    os.mkfifo(fifo)
    # A shell without job control starts background jobs with SIGINT ignored, and Python then
    # installs no KeyboardInterrupt handler: give mlbp the disposition a terminal gives it.
    process = subprocess.Popen(
        [*MLBP, "validate", str(fifo)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # Opening the FIFO for writing returns once mlbp has opened it to read: it is inside main.
    with open(fifo, "wb"):
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == EXIT_INTERRUPTED == 130
    assert err == b"mlbp: interrupted\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["schema"], ["validate", "--format", "json", "blueprints"]])
def test_a_full_disk_is_one_line_and_non_zero(args):
    with open("/dev/full", "w") as full:
        result = run(*args, stdout=full, stderr=subprocess.PIPE, capture_output=False, text=True)
    assert result.returncode == 2
    assert result.stderr == "mlbp: error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("suppressions", [0, 3000], ids=["small-output", "larger-than-a-pipe-buffer"])
def test_a_closed_pipe_never_reports_success(tmp_path, suppressions):
    document = patched({"spec": {"nodes": {"min": 3, "desired": 3, "max": 2}}})
    if suppressions:
        document["metadata"]["suppress"] = [{"rule": "BP999", "reason": "x" * 200}] * suppressions
    path = tmp_path / "bad.yaml"
    path.write_text(to_yaml(document))
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before mlbp writes: `| head -0` that won the race
    try:
        result = run("validate", str(path), stdout=writer, stderr=subprocess.PIPE, capture_output=False)
    finally:
        os.close(writer)
    assert result.returncode == EXIT_BROKEN_PIPE == 141
    assert_no_traceback(result.stderr)


@pytest.mark.parametrize("closed", [1, 2], ids=["stdout", "stderr"])
def test_a_closed_output_descriptor_is_not_success(bad, closed):
    result = run("validate", str(bad), preexec_fn=lambda: os.close(closed), text=True)
    assert result.returncode == 2
    assert_no_traceback(result.stderr)
    if closed == 1:
        assert result.stderr.endswith("mlbp: error: cannot write the output: Bad file descriptor\n")


def test_pipefail_sees_the_failure(bad):
    script = 'set -o pipefail; "$@" | head -c0'
    result = subprocess.run(["bash", "-c", script, "bash", *MLBP, "validate", str(bad)], cwd=ROOT, capture_output=True)
    assert result.returncode != 0
    assert_no_traceback(result.stderr)


def test_a_valid_blueprint_that_prints_nothing_is_not_hurt_by_a_closed_pipe(tmp_path):
    (tmp_path / "ok.yaml").write_text(blueprint("ok"))
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = run("validate", str(tmp_path / "ok.yaml"), stdout=writer, stderr=subprocess.PIPE, capture_output=False)
    finally:
        os.close(writer)
    assert result.returncode == 0


# Consistency -------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [{}, {"notes.txt": "hello", "sub/readme.md": "# no"}], ids=["empty", "no-yaml"])
def test_a_folder_without_blueprints_is_a_usage_error(tmp_path, content, capsys):
    for name, text in content.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert main(["validate", str(tmp_path)]) == 2
    assert "no *.yaml or *.yml blueprints in this folder" in capsys.readouterr().err


@pytest.mark.cdk
def test_the_cdk_app_agrees_on_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps({"blueprints": str(tmp_path / "empty")}),
           "CDK_OUTDIR": str(tmp_path / "out")}
    result = subprocess.run([sys.executable, "app.py"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "no *.yaml or *.yml blueprints in this folder" in result.stderr


def test_the_same_file_named_several_ways_is_checked_once(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "bp"
    folder.mkdir()
    (folder / "a.yaml").write_text(blueprint("only-once"))
    (tmp_path / "link.yaml").symlink_to(folder / "a.yaml")
    (tmp_path / "linked-folder").symlink_to(folder)
    monkeypatch.chdir(tmp_path)
    paths = ["bp/a.yaml", str(folder / "a.yaml"), "bp/../bp/a.yaml", "link.yaml", "linked-folder", "bp", "./bp/"]
    assert main(["validate", *paths]) == 0
    captured = capsys.readouterr()
    assert "BP107" not in captured.out
    assert "1 blueprint(s) checked" in captured.err


def test_standard_input_is_dash_and_named_stdin_with_exact_positions(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", _stdin(BAD.encode()))
    assert main(["validate", "-", "-"]) == 1
    captured = capsys.readouterr()
    assert "<stdin>:11:10: error[BP106]: min (3) is greater than max (2)" in captured.out
    assert "1 blueprint(s) checked" in captured.err


def test_standard_input_as_a_real_pipe(tmp_path):
    result = run("validate", "--format", "json", "-", input=BAD.encode())
    assert result.returncode == 1
    assert {(f["file"], f["line"], f["col"], f["code"]) for f in json.loads(result.stdout)} >= {("<stdin>", 11, 10, "BP106")}


def test_standard_input_together_with_files_checks_names_across_them(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.yaml").write_text(blueprint("twin"))
    monkeypatch.setattr(sys, "stdin", _stdin(blueprint("twin").encode()))
    assert main(["validate", str(tmp_path / "a.yaml"), "-"]) == 1
    assert "error[BP107]" in capsys.readouterr().out


def test_closed_standard_input_is_a_diagnostic(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["validate", "-"]) == 1
    assert "<stdin>:1:1: error[BP013]" in capsys.readouterr().out


def _stdin(data: bytes):
    import io

    return io.TextIOWrapper(io.BytesIO(data))
