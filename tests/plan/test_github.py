"""The workflow's own logic: the sticky comment and the deploy targets (no network: a fake API)."""

from __future__ import annotations

import json

import pytest

from mlblueprints.github import Context, deploy_targets, sync_comment
from mlblueprints.diagnostics import UsageError
from mlblueprints.plan.render import COMMENT_MARKER

CONTEXT = Context("octo/blueprints", 7, "token", "https://api.example.test")
ISSUE = "https://api.example.test/repos/octo/blueprints/issues"


class FakeApi:
    """Issue comments of one pull request, answering like the GitHub REST API."""

    def __init__(self, comments: list[dict]):
        self.comments = comments
        self.calls: list[tuple[str, str]] = []

    def __call__(self, method: str, url: str, body: dict | None):
        self.calls.append((method, url))
        if method == "GET":
            page = int(url.rsplit("page=", 1)[1])
            return self.comments[(page - 1) * 100: page * 100]
        if method == "POST":
            comment = {"id": 1000 + len(self.comments), "body": body["body"]}
            self.comments.append(comment)
            return comment
        comment_id = int(url.rsplit("/", 1)[1])
        if method == "PATCH":
            next(c for c in self.comments if c["id"] == comment_id)["body"] = body["body"]
            return {}
        if method == "DELETE":
            self.comments = [c for c in self.comments if c["id"] != comment_id]
            return None
        raise AssertionError(method)


PLAN = f"{COMMENT_MARKER}\n### mlbp plan against `main`\n"


def test_first_plan_creates_one_comment():
    api = FakeApi([{"id": 1, "body": "LGTM"}])
    assert sync_comment(PLAN, CONTEXT, api) == "created comment 1001"
    assert api.calls[-1] == ("POST", f"{ISSUE}/7/comments")


def test_next_plan_updates_the_same_comment_even_past_the_first_page():
    others = [{"id": i, "body": "chatter"} for i in range(1, 151)]
    api = FakeApi(others + [{"id": 500, "body": PLAN + "old"}])
    assert sync_comment(PLAN + "new", CONTEXT, api) == "updated comment 500"
    assert api.calls[-1] == ("PATCH", f"{ISSUE}/comments/500")
    assert [c["body"] for c in api.comments if c["id"] == 500] == [PLAN + "new"]


def test_same_plan_is_not_rewritten():
    api = FakeApi([{"id": 5, "body": PLAN}])
    assert sync_comment(PLAN, CONTEXT, api) == "comment 5 is up to date"
    assert [m for m, _ in api.calls] == ["GET"]


@pytest.mark.parametrize("existing, expected", [([], "no changes: no comment"),
                                                ([{"id": 9, "body": PLAN}], "no changes: deleted comment 9")])
def test_an_empty_plan_removes_the_comment(existing, expected):
    api = FakeApi(list(existing))
    assert sync_comment("\n", CONTEXT, api) == expected
    assert api.comments == []


def test_context_comes_from_the_actions_environment(tmp_path, monkeypatch):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 42}}))
    monkeypatch.setenv("GITHUB_REPOSITORY", "octo/blueprints")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    assert Context.from_environment() == Context("octo/blueprints", 42, "t", "https://api.github.com")
    event.write_text(json.dumps({"push": {}}))
    with pytest.raises(UsageError, match="not a pull request"):
        Context.from_environment()


def test_deploy_targets_are_the_kept_changed_blueprints():
    plan = {"blueprints": [
        {"name": "a", "status": "modified", "headFile": "blueprints/a.yaml"},
        {"name": "b", "status": "removed", "headFile": None},
        {"name": "c", "status": "added", "headFile": "blueprints/c.yaml"},
        {"name": "old", "status": "renamed", "headFile": None},
        {"name": "new", "status": "renamed", "headFile": "blueprints/new.yaml"},
    ]}
    assert deploy_targets(json.dumps(plan)) == ["blueprints/a.yaml", "blueprints/c.yaml", "blueprints/new.yaml"]


def test_cli_errors_are_one_line_and_exit_1(tmp_path, capsys):
    from mlblueprints.cli import main

    assert main(["ci-deploy-targets", str(tmp_path / "missing.json")]) == 1
    (tmp_path / "bad.json").write_text("{not json")
    assert main(["ci-deploy-targets", str(tmp_path / "bad.json")]) == 1
    assert main(["ci-comment", str(tmp_path / "missing.md")]) in (1, 2)  # no file, or no Actions environment
    err = capsys.readouterr().err
    assert "Traceback" not in err and "not a plan" in err
