"""The wheel ships every package of this checkout, with stacks/ as mlblueprints.stacks."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> tuple[list[str], dict[str, str]]:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return setuptools["packages"], setuptools["package-dir"]


def test_every_package_folder_is_listed():
    packages, package_dir = _declared()
    found = set()
    for name, folder in package_dir.items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            relative = init.parent.relative_to(base)
            found.add(".".join([name, *relative.parts]) if relative.parts else name)
    assert found <= set(packages), f"add to [tool.setuptools] packages: {sorted(found - set(packages))}"


def test_no_top_level_stacks_package():
    packages, _ = _declared()
    assert not any(p == "stacks" or p.startswith("stacks.") for p in packages)


def test_stacks_import_each_other_relatively():
    """Absolute `stacks.` imports would break inside the wheel, where the package is mlblueprints.stacks."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "stacks").rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if line.lstrip().startswith(("from stacks", "import stacks"))
    ]
    assert not offenders
