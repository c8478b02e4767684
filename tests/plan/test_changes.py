"""Which blueprints changed: paired by metadata.name, not by path."""

from __future__ import annotations

import pytest

from mlblueprints.diagnostics import UsageError
from mlblueprints.plan.changes import changed_blueprints
from tests.plan.gitrepo import example, git, make_repo, write

FINETUNE = example("finetune-g5.yaml")
P4D = example("p4d-fsx.yaml")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    path = make_repo(tmp_path / "repo", {"blueprints/a.yaml": FINETUNE, "blueprints/b.yaml": P4D})
    monkeypatch.chdir(path)
    return path


def statuses(base="main", paths=("blueprints",)) -> dict[str, str]:
    return {c.name: c.status for c in changed_blueprints(base, list(paths))}


def test_nothing_changed(repo):
    assert statuses() == {}


def test_moved_file_with_the_same_name_is_no_change(repo):
    (repo / "blueprints/team").mkdir()
    git(repo, "mv", "blueprints/a.yaml", "blueprints/team/renamed.yaml")
    assert statuses() == {}


def test_moved_and_edited_is_modified(repo):
    git(repo, "mv", "blueprints/a.yaml", "blueprints/moved.yaml")
    write(repo, "blueprints/moved.yaml", FINETUNE.replace("max: 1}", "max: 2}"))
    assert statuses() == {"finetune-g5": "modified"}


def test_added_removed_and_renamed(repo):
    write(repo, "blueprints/c.yaml", FINETUNE.replace("name: finetune-g5", "name: another"))
    (repo / "blueprints/b.yaml").unlink()
    write(repo, "blueprints/a.yaml", FINETUNE.replace("name: finetune-g5", "name: finetune-new"))
    assert statuses() == {
        "another": "added",
        "llm-pretrain-p4d": "removed",
        "finetune-g5": "removed",
        "finetune-new": "added",
    }


def test_paths_limit_the_comparison(repo):
    (repo / "blueprints/b.yaml").unlink()
    assert statuses(paths=("blueprints/a.yaml",)) == {}


def test_works_from_a_subfolder(repo, monkeypatch):
    write(repo, "blueprints/a.yaml", FINETUNE.replace("max: 1}", "max: 2}"))
    monkeypatch.chdir(repo / "blueprints")
    changes = changed_blueprints("main", ["."])
    assert [(c.name, c.head.path, c.base.path) for c in changes] == [("finetune-g5", "a.yaml", "a.yaml")]


def test_unknown_ref_is_a_usage_error(repo):
    with pytest.raises(UsageError, match="no-such-ref"):
        changed_blueprints("no-such-ref", ["blueprints"])
