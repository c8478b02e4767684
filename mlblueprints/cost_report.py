"""``mlbp cost`` output: a terminal table, JSON, or Markdown for a pull-request comment.

Every format shows each line item at min, desired and max (hourly), the 30-day totals,
and, by name, every unpriced item and every figure that rests on an unverified price.
"""

from __future__ import annotations

import json

from mlblueprints.cost import HOURS_30_DAYS, LEVELS, Estimate, LineItem, Usd


def money(amount: Usd) -> str:
    if amount.is_range:
        return f"${_n(amount.low)}-${_n(amount.high)}"
    return f"${_n(amount.low)}"


def _n(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) < 0.01:
        return f"{value:.4f}"
    return f"{value:,.2f}"


def _cells(item: LineItem) -> list[str]:
    if item.hourly is None:
        return ["unpriced"] * 3
    return [money(item.hourly.at(level)) + ("*" if item.unverified else "") for level in LEVELS]


def _footer(estimate: Estimate) -> list[str]:
    lines = []
    for item in estimate.unpriced:
        lines.append(f"unpriced: {item.resource}: {item.description}: {item.unpriced_reason}")
    for item in estimate.unverified:
        lines.append(f"* unverified price: {item.price_key} ({item.source}); verify it before relying on it")
    for item in estimate.items:
        lines.extend(f"note: {item.resource}: {note}" for note in item.notes)
    lines.extend(f"assumption: {a}" for a in estimate.assumptions)
    lines.extend(f"price overrides: {file}" for file in estimate.price_overrides)
    return lines


def _total_line(estimate: Estimate) -> str:
    hourly = estimate.hourly
    partial = " (priced items only)" if estimate.unpriced else ""
    return (
        f"total{partial}: per hour {money(hourly.min)} / {money(hourly.desired)} / {money(hourly.max)}; "
        f"30 days {money(estimate.thirty_days('min'))} / {money(estimate.thirty_days('desired'))} / "
        f"{money(estimate.thirty_days('max'))} (min / desired / max)"
    )


def _overall(estimates: list[Estimate]) -> str | None:
    """One line over several blueprints: the sum at each size and how many items are unpriced."""
    if len(estimates) < 2:
        return None
    total = sum((e.hourly for e in estimates[1:]), estimates[0].hourly)
    unpriced = sum(len(e.unpriced) for e in estimates)
    missing = f", {unpriced} unpriced item(s) not included" if unpriced else ""
    return (
        f"all {len(estimates)} blueprints: per hour {money(total.min)} / {money(total.desired)} / {money(total.max)}; "
        f"30 days {money(total.min * HOURS_30_DAYS)} / {money(total.desired * HOURS_30_DAYS)} / "
        f"{money(total.max * HOURS_30_DAYS)} (min / desired / max){missing}"
    )


def format_text(estimates: list[Estimate]) -> str:
    out = []
    for e in estimates:
        out.append(f"{e.file}: {e.name} ({e.kind}, {e.region}), USD per hour, prices as of {e.prices_as_of}")
        rows = [["resource", "item", "min", "desired", "max"]]
        rows += [[i.resource, i.description, *_cells(i)] for i in e.items]
        widths = [max(len(r[c]) for r in rows) for c in range(5)]
        for r in rows:
            out.append("  " + "  ".join(cell.ljust(w) if c < 2 else cell.rjust(w) for c, (cell, w) in enumerate(zip(r, widths))).rstrip())
        out.append("  " + _total_line(e))
        out.extend("  " + line for line in _footer(e))
        out.append("")
    overall = _overall(estimates)
    if overall:
        out.append(overall)
    return "\n".join(out)


def format_markdown(estimates: list[Estimate]) -> str:
    out = ["## mlbp cost", ""]
    overall = _overall(estimates)
    if overall:
        out += [f"**{overall}**", ""]
    for e in estimates:
        out.append(f"### {e.name} ({e.kind}, {e.region})")
        out.append("")
        out.append("| resource | item | min $/h | desired $/h | max $/h |")
        out.append("|---|---|--:|--:|--:|")
        for i in e.items:
            out.append(f"| {i.resource} | {i.description} | " + " | ".join(_cells(i)) + " |")
        h = e.hourly
        out.append(f"| **total** | {'priced items only' if e.unpriced else ''} | **{money(h.min)}** | **{money(h.desired)}** | **{money(h.max)}** |")
        out.append(f"| **30 days** | {HOURS_30_DAYS} h | **{money(e.thirty_days('min'))}** | "
                   f"**{money(e.thirty_days('desired'))}** | **{money(e.thirty_days('max'))}** |")
        footer = _footer(e)
        if footer:
            out.append("")
            out.append("<details><summary>unpriced items, unverified prices, notes and assumptions</summary>")
            out.append("")
            out.extend(f"- {line}" for line in footer)
            out.append("")
            out.append("</details>")
        out.append("")
    return "\n".join(out)


def as_dict(e: Estimate) -> dict:
    def usd(amount: Usd) -> dict:
        return {"low": round(amount.low, 6), "high": round(amount.high, 6)}

    def levels(levels) -> dict | None:
        return None if levels is None else {level: usd(levels.at(level)) for level in LEVELS}

    return {
        "file": e.file,
        "name": e.name,
        "kind": e.kind,
        "region": e.region,
        "prices_as_of": e.prices_as_of,
        "items": [
            {
                "resource": i.resource,
                "category": i.category,
                "description": i.description,
                "price_key": i.price_key,
                "counts": {level: getattr(i.counts, level) for level in LEVELS},
                "hourly": levels(i.hourly),
                "unpriced": i.unpriced,
                "unpriced_reason": i.unpriced_reason or None,
                "unverified": i.unverified,
                "source": i.source or None,
                "notes": list(i.notes),
            }
            for i in e.items
        ],
        "total_hourly": levels(e.hourly),
        "total_30_days": {level: usd(e.thirty_days(level)) for level in LEVELS},
        "complete": e.complete,
        "unpriced": [i.price_key for i in e.unpriced],
        "assumptions": list(e.assumptions),
        "price_overrides": list(e.price_overrides),
    }


def format_json(estimates: list[Estimate]) -> str:
    return json.dumps([as_dict(e) for e in estimates], indent=2)
