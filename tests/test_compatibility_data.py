"""compatibility.json and dlc_images.json are what their scripts build; the table covers the catalog."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mlblueprints import compatibility
from mlblueprints.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["scripts/refresh_compatibility.py", "--check"],
        ["scripts/refresh_images.py", "--installed", "--check"],
    ],
    ids=["compatibility-and-docs", "dlc-and-dlami"],
)
def test_committed_data_is_what_the_script_builds(argv):
    result = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_catalog_type_has_an_architecture():
    catalog = load_catalog()
    for name in catalog.names():
        assert compatibility.architecture(catalog.get(name))


def test_every_entry_is_sourced_and_dated():
    doc = compatibility._data()
    for entry in [*doc["images"].values(), *doc["containers"].values(), *doc["refusals"]]:
        assert entry["source"].startswith("https://") and entry["as_of"]


def test_instance_families_named_by_neuron_images_are_catalog_families():
    import json

    catalog = load_catalog()
    families = {catalog.get(n).family for n in catalog.names()}
    doc = json.loads((ROOT / "mlblueprints" / "data" / "dlc_images.json").read_text())
    named = {
        f
        for scopes in doc["frameworks"].values()
        for sub in scopes.values()
        for entry in sub["versions"].values()
        for f in entry.get("families", [])
    }
    assert named and named <= families
