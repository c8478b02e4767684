"""Whatever a key or a file name holds, every line mlbp prints is one diagnostic line of its format."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlblueprints.cli import main
from mlblueprints.diagnostics import printable
from tests.blueprint_factory import patched, to_yaml

# Any character a YAML file can spell with an escape (surrogates cannot be written in UTF-8).
KEYS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
# Any file name Linux allows: no slash, no NUL; bytes that are not UTF-8 arrive as U+DC80-U+DCFF.
NAME_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0") | st.sampled_from(
    [chr(0xDC00 + byte) for byte in range(0x80, 0x100)]
)
NAMES = st.text(NAME_CHARACTERS, min_size=1, max_size=30).filter(
    lambda name: len(os.fsencode(name)) < 200 and name not in (".", "..")
)

HEAD = re.compile(r"[0-9]+:[0-9]+: (error|warning)\[BP[0-9]{3}\]: .+")
ANNOTATION = re.compile(r"::(error|warning) file=[^,]*,line=[0-9]+,col=[0-9]+,title=BP[0-9]{3}::.+")
SUMMARY = re.compile(r"[0-9]+ blueprint\(s\) checked: [0-9]+ error\(s\), [0-9]+ warning\(s\)")


def _quoted(key: str) -> str:
    """``key`` as a YAML double-quoted scalar that spells every character as an escape."""
    return '"' + "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\U{ord(c):08x}" for c in key) + '"'


def _write(folder: Path, name: str, key: str, value: str, nested: bool) -> Path:
    text = to_yaml(patched({"spec": {"region": value}}))  # a region the schema refuses, echoed back
    line = f"{_quoted(key)}: 1\n"
    text = text.replace("spec:\n", "spec:\n  " + line, 1) if nested else text + line
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name + ".yaml"))))
    path.write_text(text)
    return path


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    assert lines[-1] == "", "output ends with a newline"
    lines = lines[:-1]
    assert text.splitlines() == lines, "no line break other than \\n"
    assert all(line.isprintable() for line in lines), "no control or format character"
    return lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, key=KEYS, value=KEYS, nested=st.booleans())
def test_every_printed_line_matches_its_format(capsys, name, key, value, nested):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), name, key, value, nested)
        shown_file = printable(str(path))

        status = main(["validate", "--format", "json", str(path)])
        captured = capsys.readouterr()
        _lines(captured.out)
        findings = json.loads(captured.out)
        assert status == 1 and findings
        for finding in findings:
            assert finding["file"] == shown_file
            assert all(v.isprintable() for v in finding.values() if isinstance(v, str))

        assert main(["validate", str(path)]) == status
        captured = capsys.readouterr()
        heads = []
        for line in _lines(captured.out):
            if line.startswith("  hint: "):
                continue
            assert line.startswith(shown_file + ":") and HEAD.fullmatch(line[len(shown_file) + 1 :]), line
            heads.append(line)
        assert len(heads) == len(findings)
        assert [SUMMARY.fullmatch(line) is not None for line in _lines(captured.err)] == [True]

        assert main(["validate", "--format", "github", str(path)]) == status
        annotations = _lines(capsys.readouterr().out)
        assert len(annotations) == len(findings)
        assert all(ANNOTATION.fullmatch(line) for line in annotations), annotations
