"""The benchmark figures of one run: each with its baseline and their ratio,
printed as a table and written as JSON by run_bench.py."""

ROWS = []
MACHINE = {}


def record(group, name, value, unit, baseline=None, baseline_name=None, goal=None,
           met=None, **extra):
    """One figure. `goal` says what it should be; `met` whether it is."""
    row = {"group": group, "name": name, "value": round(value, 3), "unit": unit}
    if baseline is not None:
        row["baseline"] = round(baseline, 3)
        row["baseline_name"] = baseline_name
        row["ratio"] = round(value / baseline, 4) if baseline else None
    if goal:
        row["goal"] = goal
        row["met"] = met
    row.update(extra)
    ROWS.append(row)
    return row


def table():
    """The rows as a fixed-width text table."""
    lines = ["%-4s %-52s %12s %-6s %12s %-22s %9s  %s" % (
        "", "figure", "value", "", "baseline", "(baseline)", "ratio", "goal")]
    for r in ROWS:
        base = "%12.3f" % r["baseline"] if "baseline" in r else " " * 12
        ratio = "%9.4f" % r["ratio"] if r.get("ratio") is not None else " " * 9
        goal = ""
        if "goal" in r:
            goal = "%s: %s" % ("met" if r["met"] else "NOT met", r["goal"])
        lines.append("%-4s %-52s %12.3f %-6s %s %-22s %s  %s" % (
            r["group"], r["name"][:52], r["value"], r["unit"], base,
            (r.get("baseline_name") or "")[:22], ratio, goal))
    return "\n".join(lines)


def markdown(rows=None):
    """The rows as Markdown tables, one per group."""
    rows = ROWS if rows is None else rows
    out = []
    for group in sorted({r["group"] for r in rows}):
        out += ["", "| %s | value | baseline | ratio | goal |" % group, "|---|---:|---:|---:|---|"]
        for r in (r for r in rows if r["group"] == group):
            base = "%.3f %s (%s)" % (r["baseline"], r["unit"], r["baseline_name"]) \
                if "baseline" in r else ""
            ratio = "%.3f" % r["ratio"] if r.get("ratio") is not None else ""
            goal = ("%s: %s" % ("met" if r["met"] else "**not met**", r["goal"])
                    if r.get("goal") else "")
            out.append("| %s | %.3f %s | %s | %s | %s |" % (r["name"], r["value"], r["unit"],
                                                         base, ratio, goal))
    return "\n".join(out) + "\n"
