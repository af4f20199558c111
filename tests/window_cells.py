"""window_cells.py: the windows of an --interval report add up, cell by cell,
to the whole-run report (docs/metrics.md, "Settling"); used by
xen_traces.py and window_sums.py."""
from tap import check

FIELDS = ("cpu_pct", "waited_pct", "blocked_pct", "offline_pct", "unknown_pct")


def cells(doc):
    """{(domain, vcpu, pcpu, field): seconds} summed over the windows; a vCPU
    a window does not list was unknown there, on no pCPU.  The engine's
    cells: vCPU rows (a domain's "all" row adds them up, but a window lists
    the vCPUs met by then, and on Linux its blocked counts the threads that
    ran in that window)."""
    out, wins, seen = {}, {}, {}
    for r in doc["rows"]:
        wins[r["t_start_s"]] = r["t_end_s"] - r["t_start_s"]
        if r["vcpu"] == "all":
            continue
        length = r["t_end_s"] - r["t_start_s"]
        seen.setdefault((r["domain"], r["vcpu"]), set()).add(r["t_start_s"])
        for f in FIELDS:
            k = (r["domain"], r["vcpu"], r["pcpu"], f)
            out[k] = out.get(k, 0.0) + r[f] * length / 100
    for (dom, vcpu), ts in seen.items():
        for t, length in wins.items():
            if t not in ts:
                k = (dom, vcpu, "total", "unknown_pct")
                out[k] = out.get(k, 0.0) + length
    return out


def check_window_sums(whole, parts, interval, name):
    a, b = cells(whole), cells(parts)
    # each printed percentage is rounded to 0.0005 %
    tol = 1e-5 * whole["span_s"] * 2 + 1e-6
    bad = ["%s: %.6f s whole, %.6f s summed" % ("/".join(k), a.get(k, 0), b.get(k, 0))
           for k in sorted(set(a) | set(b)) if abs(a.get(k, 0) - b.get(k, 0)) > tol]
    check(not bad, "%s: -i %s windows add up to the whole run in all %d cells %s"
          % (name, interval, len(a), "; ".join(bad[:3])))


