"""Values one stack hands another through SSM parameters, followed within one cloud assembly.

A stack can read what another stack made through a template parameter of type
``AWS::SSM::Parameter::Value<String>`` whose default names an SSM parameter; the
other stack writes that parameter (``AWS::SSM::Parameter`` with that ``Name``).
mlblueprints splits each blueprint into a data stack and a compute stack this
way. When the template being linted sits in a CDK cloud assembly (a folder with
``manifest.json``), the writer is one of its sibling templates, and a rule can
look at the value there: the subnet the compute environment uses, for example,
and the VPC and default security group the data stack gives it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from mlblueprints.review.template import literal_text, of_type, properties, target

SSM_PARAMETER_TYPE = "AWS::SSM::Parameter::Value<"


def resolve(value: Any, template: dict, filename: str | None) -> tuple[dict, Any]:
    """``(template, value)`` where ``value`` is really written: across a handoff if it is one, else unchanged."""
    name = target(value)
    parameter = template.get("Parameters", {}).get(name) if name else None
    if not isinstance(parameter, dict) or not str(parameter.get("Type", "")).startswith(SSM_PARAMETER_TYPE):
        return template, value
    written = _writers(_assembly_of(filename)).get(parameter.get("Default"))
    return written if written else (template, value)


def keys_in_writer(values: list, cfn, key_of) -> tuple[list, dict | None]:
    """Each value's ``key_of(value, template)`` in the one template that writes them all (across handoffs).

    The template is None when the values come from more than one template, or there are none.
    """
    resolved = [resolve(v, cfn.template, cfn.filename) for v in values]
    if len({id(t) for t, _ in resolved}) != 1:
        return [], None
    where = resolved[0][0]
    return [key_of(v, where) for _, v in resolved], where


def _assembly_of(filename: str | None) -> str | None:
    if not filename:
        return None
    folder = Path(filename).resolve().parent
    return str(folder) if (folder / "manifest.json").is_file() else None


@lru_cache(maxsize=8)
def _writers(assembly: str | None) -> dict[str, tuple[dict, Any]]:
    """``{SSM parameter name: (template, Value)}`` for every AWS::SSM::Parameter in the assembly's templates."""
    if assembly is None:
        return {}
    found = {}
    for path in sorted(Path(assembly).glob("*.template.json")):
        try:
            template = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for _, resource in of_type(template, "AWS::SSM::Parameter"):
            name = literal_text(properties(resource).get("Name"))
            if name is not None:
                found[name] = (template, properties(resource).get("Value"))
    return found
