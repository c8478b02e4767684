"""What the GitHub workflow (examples/github/blueprints.yml) does beyond running mlbp: one sticky
plan comment per pull request, and the list of blueprints to deploy after a merge.

Plain REST calls through urllib, with the transport injectable so tests run offline.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass
from typing import Callable

from mlblueprints.diagnostics import UsageError
from mlblueprints.plan.render import COMMENT_MARKER

#: (method, url, json body or None) -> parsed JSON response (None for an empty one).
Transport = Callable[[str, str, dict | None], object]


@dataclass(frozen=True)
class Context:
    repository: str
    pull_request: int
    token: str
    api_url: str = "https://api.github.com"

    @classmethod
    def from_environment(cls) -> "Context":
        missing = [k for k in ("GITHUB_REPOSITORY", "GITHUB_EVENT_PATH", "GITHUB_TOKEN") if not os.environ.get(k)]
        if missing:
            raise UsageError(f"set {', '.join(missing)} (GitHub Actions sets all but GITHUB_TOKEN: pass it as env)")
        with open(os.environ["GITHUB_EVENT_PATH"], encoding="utf-8") as stream:
            event = json.load(stream)
        number = (event.get("pull_request") or {}).get("number")
        if not isinstance(number, int):
            raise UsageError("the event is not a pull request: run this step on pull_request events only")
        return cls(os.environ["GITHUB_REPOSITORY"], number, os.environ["GITHUB_TOKEN"],
                   os.environ.get("GITHUB_API_URL", "https://api.github.com"))


def sync_comment(body: str, context: Context, transport: Transport | None = None) -> str:
    """Create, update or delete the one comment that carries the plan marker; say which."""
    send = transport or _transport(context.token)
    base = f"{context.api_url}/repos/{context.repository}/issues"
    existing = _find(send, f"{base}/{context.pull_request}/comments")
    body = body.strip()
    if not body:
        if existing is None:
            return "no changes: no comment"
        send("DELETE", f"{base}/comments/{existing['id']}", None)
        return f"no changes: deleted comment {existing['id']}"
    if existing is None:
        created = send("POST", f"{base}/{context.pull_request}/comments", {"body": body})
        return f"created comment {created['id']}"
    if existing.get("body", "").strip() == body:
        return f"comment {existing['id']} is up to date"
    send("PATCH", f"{base}/comments/{existing['id']}", {"body": body})
    return f"updated comment {existing['id']}"


def _find(send: Transport, url: str) -> dict | None:
    page = 1
    while True:
        comments = send("GET", f"{url}?per_page=100&page={page}", None) or []
        for comment in comments:
            if str(comment.get("body", "")).startswith(COMMENT_MARKER):
                return comment
        if len(comments) < 100:
            return None
        page += 1


def _transport(token: str) -> Transport:
    def send(method: str, url: str, body: dict | None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "Content-Type": "application/json",
        })
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    return send


def deploy_targets(plan_json: str) -> list[str]:
    """Head files of the blueprints a plan changes and keeps (removed ones are destroyed by hand)."""
    plan = json.loads(plan_json)
    return sorted(b["headFile"] for b in plan.get("blueprints", []) if b.get("headFile") and b["status"] != "removed")
