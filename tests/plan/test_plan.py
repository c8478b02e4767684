"""`mlbp plan` end to end on throwaway git repositories (synthesizes; the template cache is shared).

Four working trees against one base (finetune-g5 and llm-pretrain-p4d on `main`), each
planned once and asserted on from several angles:

- ``grown``: a blueprint added, finetune-g5 at two nodes, the p4d FSx deployment type changed;
- ``allowed``: finetune-g5 only moved, the FSx change allowed by metadata.allow_replacement;
- ``renamed``: finetune-g5's metadata.name changed, llm-pretrain-p4d removed;
- ``broadened``: finetune-g5's bucket prefix changed, under a budget it exceeds.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import jsonschema
import pytest

from mlblueprints.plan import hooks, render
from mlblueprints.plan.diff import Action
from mlblueprints.plan.planner import Options, make_plan
from tests.plan.gitrepo import example, git, make_repo, write

pytestmark = pytest.mark.cdk

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "plan"
SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"
FINETUNE = example("finetune-g5.yaml")
P4D = example("p4d-fsx.yaml")
P4D_PERSISTENT_1 = P4D.replace("deployment_type: PERSISTENT_2", "deployment_type: PERSISTENT_1").replace(
    "throughput_per_tib: 500", "throughput_per_tib: 200"
)
FSX_ID = "StorageFileSystem61EA7B3D"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("template-cache")


@pytest.fixture(scope="module")
def base_repo(tmp_path_factory):
    def make(name: str) -> Path:
        return make_repo(tmp_path_factory.mktemp(name) / "repo",
                         {"blueprints/finetune-g5.yaml": FINETUNE, "blueprints/p4d-fsx.yaml": P4D})

    return make


def plan_in(repo: Path, cache_dir: Path, **options):
    with contextlib.chdir(repo):
        return make_plan(Options("main", cache_dir=cache_dir, **options))


def by_name(plan):
    return {b.name: b for b in plan.blueprints}


def impacts(blueprint) -> dict[str, str]:
    return {r.change.logical_id: r.change.action.value for r in blueprint.resources}


@pytest.fixture(scope="module")
def grown(base_repo, cache_dir):
    repo = base_repo("grown")
    write(repo, "blueprints/added.yaml", FINETUNE.replace("name: finetune-g5", "name: added-one"))
    write(repo, "blueprints/finetune-g5.yaml", FINETUNE.replace("desired: 1, max: 1", "desired: 2, max: 2"))
    write(repo, "blueprints/p4d-fsx.yaml", P4D_PERSISTENT_1)
    return plan_in(repo, cache_dir)


@pytest.fixture(scope="module")
def allowed(base_repo, cache_dir):
    repo = base_repo("allowed")
    (repo / "blueprints/moved").mkdir()
    git(repo, "mv", "blueprints/finetune-g5.yaml", "blueprints/moved/finetune.yaml")
    allow = f"  allow_replacement:\n    - resource: {FSX_ID}\n      reason: scratch data only, re-imported from S3\n"
    write(repo, "blueprints/p4d-fsx.yaml", P4D_PERSISTENT_1.replace("spec:\n", allow + "spec:\n", 1))
    return plan_in(repo, cache_dir)


@pytest.fixture(scope="module")
def renamed(base_repo, cache_dir):
    repo = base_repo("renamed")
    write(repo, "blueprints/finetune-g5.yaml", FINETUNE.replace("name: finetune-g5", "name: finetune-a10g"))
    (repo / "blueprints/p4d-fsx.yaml").unlink()
    return plan_in(repo, cache_dir), plan_in(repo, cache_dir, allow_destroy=("llm-pretrain-p4d",))


@pytest.fixture(scope="module")
def broadened(base_repo, cache_dir):
    repo = base_repo("broadened")
    write(repo, "blueprints/finetune-g5.yaml", FINETUNE.replace("prefix: finetune", "prefix: shared"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hooks, "budget_of", lambda blueprint: hooks.Budget(usd_per_hour=1.0))
        return plan_in(repo, cache_dir)


# -- grown -----------------------------------------------------------------------------------------


def test_added_blueprint_creates_its_stack(grown):
    added = by_name(grown)["added-one"]
    assert added.status == "added"
    # However many stacks the kind makes (a data stack and a compute stack, say), each is created.
    assert "mlbp-added-one" in {s.name for s in added.stacks} and {s.action for s in added.stacks} == {"create"}
    assert {r.change.action for r in added.resources} == {Action.ADD}
    assert added.cost_before is None and added.cost_after.usd_per_hour == pytest.approx(1.212)


def test_node_count_changes_in_place_with_a_cost_delta(grown):
    finetune = by_name(grown)["finetune-g5"]
    assert impacts(finetune) == {"ComputeNodesASG736CC0F7": "modify"}
    (impact,) = finetune.resources
    assert impact.location.path in ("spec.nodes.desired", "spec.nodes.max")
    assert impact.location.line == 15
    assert (finetune.cost_before.usd_per_hour, finetune.cost_after.usd_per_hour) == pytest.approx((1.212, 2.424))


def test_fsx_deployment_type_replaces_the_file_system_and_trips_the_guard(grown):
    p4d = by_name(grown)["llm-pretrain-p4d"]
    assert impacts(p4d)[FSX_ID] == "replace"
    (danger,) = p4d.dangers
    assert danger.rule_id == "BP510" and danger.allowed is None
    assert (danger.location.file, danger.location.path) == ("blueprints/p4d-fsx.yaml", "spec.storage.fsx.deployment_type")
    assert "files on the file system" in danger.data_at_risk
    assert "allow_replacement" in danger.how_to_proceed and FSX_ID in danger.how_to_proceed
    assert grown.exit_code == 3


def test_markdown_json_and_sarif_snapshots(grown):
    outputs = {
        "grown.md": render.format_markdown(grown),
        "grown.json": render.format_json(grown),
        "grown.sarif": render.format_sarif(grown),
    }
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, text in outputs.items():
            (GOLDEN / name).write_text(text + "\n")
    for name, text in outputs.items():
        assert text + "\n" == (GOLDEN / name).read_text(), f"{name} changed; UPDATE_GOLDEN=1 rewrites it"


def test_markdown_puts_the_guard_first_and_fits_a_comment(grown):
    text = render.format_markdown(grown)
    assert text.startswith(render.COMMENT_MARKER)
    assert text.index("[!CAUTION]") < text.index("<details")
    assert text.index("llm-pretrain-p4d</b>") < text.index("finetune-g5</b>")  # dangerous blueprint first
    small = render.format_markdown(grown, limit=len(text) - 200)
    assert len(small) <= len(text) - 200 and "left out" in small


def test_json_has_per_resource_impact_and_past_total_diff_cost(grown):
    data = json.loads(render.format_json(grown))
    assert data["exitCode"] == 3
    assert data["diffTotalHourlyCost"] == pytest.approx(1.212 * 2)  # one more g5 node, one new blueprint
    resources = {r["logicalId"]: r for b in data["blueprints"] for s in b["stacks"] for r in s["resources"]
                 if b["name"] == "llm-pretrain-p4d"}
    assert resources[FSX_ID]["changeImpact"] == "WILL_REPLACE" and resources[FSX_ID]["stateful"]


def test_sarif_is_valid_and_points_at_blueprint_lines(grown):
    sarif = json.loads(render.format_sarif(grown))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    results = [r for run in sarif["runs"] for r in run["results"]]
    guard = [r for r in results if r["ruleId"] == "BP510"]
    assert guard and guard[0]["level"] == "error"
    location = guard[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "blueprints/p4d-fsx.yaml" and location["region"]["startLine"] > 1
    assert all(r["partialFingerprints"] for r in results)


# -- allowed ---------------------------------------------------------------------------------------


def test_a_moved_file_is_no_change(allowed):
    assert "finetune-g5" not in by_name(allowed)


def test_allow_replacement_lets_the_plan_pass(allowed):
    p4d = by_name(allowed)["llm-pretrain-p4d"]
    (danger,) = p4d.dangers
    assert danger.allowed == "scratch data only, re-imported from S3"
    assert allowed.exit_code == 2
    assert "BP500" in {f.rule_id for f in p4d.findings}  # the allowance is visible to reviewers


# -- renamed and removed ---------------------------------------------------------------------------


def test_changed_name_replaces_the_stack_and_trips_the_guard(renamed):
    plan, _ = renamed
    old, new = by_name(plan)["finetune-g5"], by_name(plan)["finetune-a10g"]
    assert (old.status, new.status) == ("renamed", "renamed")
    assert {s.action for s in old.stacks} == {"delete"} and {s.action for s in new.stacks} == {"create"}
    retained = {d.resource for d in old.dangers}
    assert retained and all(d.location.path == "metadata.name" for d in old.dangers)
    assert all(d.location.file == "blueprints/finetune-g5.yaml" for d in old.dangers)


def test_removed_blueprint_trips_the_guard_until_allowed(renamed):
    plan, allowing = renamed
    removed = by_name(plan)["llm-pretrain-p4d"]
    assert removed.status == "removed"
    assert FSX_ID in {d.resource for d in removed.dangers if d.allowed is None}
    assert "--allow-destroy llm-pretrain-p4d" in removed.dangers[0].how_to_proceed
    assert plan.exit_code == 3
    assert all(d.allowed for d in by_name(allowing)["llm-pretrain-p4d"].dangers)
    assert allowing.exit_code == 3  # the rename still trips it


# -- broadened -------------------------------------------------------------------------------------


def test_iam_broadening_is_flagged_on_the_blueprint_line(broadened):
    finetune = by_name(broadened)["finetune-g5"]
    flagged = [f for f in finetune.findings if f.rule_id == "BP513"]
    assert flagged and any("shared/*" in f.message for f in flagged)
    assert all(f.file == "blueprints/finetune-g5.yaml" and f.line > 1 for f in flagged)


def test_budget_exceeded_trips_the_guard(broadened):
    (danger,) = [d for d in by_name(broadened)["finetune-g5"].dangers if d.rule_id == "BP512"]
    assert "$1.21/h over the budget of $1.00/h" in danger.message
    assert broadened.exit_code == 3
