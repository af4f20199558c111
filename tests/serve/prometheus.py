#!/usr/bin/env python3
"""prometheus.py XENBENCH LOAD GRAFANA_DIR OUTDIR: `xenbench serve` under a
real Prometheus (Debian's), started here on loopback with the scrape
configuration of GRAFANA_DIR/prometheus-scrape.yml (targets, token file and
a 1 s scrape interval put in).

- A load spinning one core (tests/linux/load.c, niced so that a shared
  machine lets it have the core) is served; Prometheus's
  rate(xenbench_cpu_seconds_total{state="running"}) of its domain is within
  5 % of the load's own schedstat over the same 20 s, and that is within 5 %
  of one core.
- The same load is recorded at the same time with `record`; `import
  --prometheus` of this Prometheus and `import` of the run folder give the
  same cores per domain over the time both cover, within 5 %.
- Every panel of the Grafana dashboard (GRAFANA_DIR/xenbench.json) has its
  PromQL run here and returns data: the network panels from a UDP sender in
  a network namespace of its own (tests/netns.py), served beside the load.
- A second serve with --token is scraped as the configuration says (a
  bearer token from a file): its target is up.
Needs root (tracefs)."""
import atexit
import json
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import common  # noqa: E402
from netns import Veth  # noqa: E402

xb, load, grafana_dir, out = sys.argv[1:5]
grafana = os.path.join(grafana_dir, "xenbench.json")
os.makedirs(out, exist_ok=True)
failures = []
NAME = "xbspin"
SENDER = "xbsend"
RATE_RANGE = 20


spin = common.spinner(load, NAME, 1, 75)
ss = common.Schedstat(spin.pid)
veth = Veth("xbsv", subnet=214).__enter__()
atexit.register(veth.close)
common.start(*veth.run([load, "send", SENDER, veth.host_ip, "1", "75"]))
time.sleep(0.5)
match = "^(%s|%s)$" % (NAME, SENDER)
srv, base = common.serve(xb, "--domains", "process", "--match", match)
host_port = base.split("//")[1].rstrip("/")

# the second serve, behind a token, scraped as docs/prometheus.md says
token_file = os.path.join(out, "token")
with open(token_file, "w") as f:
    f.write("t0k3n-for-the-test\n")
srv2, base2 = common.serve(xb, "--domains", "process", "--match", match,
                           "--token", token_file)
config = open(os.path.join(grafana_dir, "prometheus-scrape.yml")).read()
for a, b in (("127.0.0.1:9465", host_port), ("127.0.0.1:9466", base2.split("//")[1].rstrip("/")),
             ("/etc/prometheus/xenbench.token", token_file),
             ("scrape_interval: 15s", "scrape_interval: 1s")):
    assert a in config, "prometheus-scrape.yml no longer holds " + a
    config = config.replace(a, b)
prom = common.Prometheus("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n" + config)
rundir = os.path.join(out, "run")
subprocess.run(["rm", "-rf", rundir], check=True)
rec = common.start(xb, "record", "-q", "-d", "30", "-o", rundir, "--domains", "process",
                   "--match", match)
rec_rc = rec.wait(60)
common.check(rec_rc == 0, "record ran beside serve (exit %s)" % rec_rc, failures)
time.sleep(RATE_RANGE - 5)

t = time.time() - 2
q = ('sum(rate(xenbench_cpu_seconds_total{job="xenbench",name="%s",state="running"}[%ds]))'
     % (NAME, RATE_RANGE))
res = prom.query(q, at=t)
rate = float(res[0]["value"][1]) if res else float("nan")
truth = (ss.at(t) - ss.at(t - RATE_RANGE)) / 1e9 / RATE_RANGE
print("Prometheus rate(running) of %s over %d s: %.4f cores; its schedstat: %.4f cores"
      % (NAME, RATE_RANGE, rate, truth))
common.check(abs(rate - truth) <= 0.05 * truth,
             "rate(running) %.4f within 5 %% of the load's schedstat %.4f" % (rate, truth),
             failures)
common.check(abs(rate - 1) <= 0.05,
             "rate(running) %.4f within 5 %% of one core (load got %.4f of its core)"
             % (rate, truth), failures)

# import --prometheus vs import of the recorded run
pdb, rdb = os.path.join(out, "prom.db"), os.path.join(out, "run.db")
for p in (pdb, rdb):
    if os.path.exists(p):
        os.unlink(p)
r1 = subprocess.run([xb, "import", "--prometheus", prom.url, "--since", "10m",
                     "--step", "5s", "--db", pdb], capture_output=True, text=True)
print(r1.stdout, r1.stderr, end="")
common.check(r1.returncode == 0, "import --prometheus exit 0", failures)
r2 = subprocess.run([xb, "import", "--db", rdb, rundir], capture_output=True, text=True)
common.check(r2.returncode == 0, "import of the recorded run exit 0", failures)


def samples(db, name, run_like="%"):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT s.t_unix, s.len_s, s.cpu_cores FROM sample s JOIN vm v "
                         "USING (vm_id) JOIN run r USING (run_id) WHERE v.name = ? AND "
                         "r.run_key LIKE ? ORDER BY t_unix", (name, run_like)).fetchall()


def mean_cores(rows, a, b):
    """Time-weighted mean of cpu_cores over [a, b]."""
    num = den = 0.0
    for t0, ln, cores in rows:
        lo, hi = max(a, t0), min(b, t0 + ln)
        if hi > lo:
            num += cores * (hi - lo)
            den += hi - lo
    return num / den if den else float("nan")


# the first serve's runs only (the token one is a second instance)
ps, rs = samples(pdb, NAME, "prometheus:%s:%%" % host_port), samples(rdb, NAME)
common.check(len(ps) > 0 and len(rs) > 0,
             "both databases hold %s (%d and %d samples)" % (NAME, len(ps), len(rs)), failures)
if ps and rs:
    a = max(ps[0][0], rs[0][0]) + 1
    b = min(ps[-1][0] + ps[-1][1], rs[-1][0] + rs[-1][1]) - 1
    mp, mr = mean_cores(ps, a, b), mean_cores(rs, a, b)
    print("cores of %s over the %.0f s both cover: import --prometheus %.4f, import of "
          "the run %.4f" % (NAME, b - a, mp, mr))
    common.check(b - a >= 15, "the two imports overlap %.0f s (>= 15)" % (b - a), failures)
    common.check(abs(mp - mr) <= 0.05 * mr,
                 "import --prometheus %.4f within 5 %% of import %.4f" % (mp, mr), failures)

# every Grafana panel's PromQL returns data here
dash = json.load(open(grafana))
exprs = []
for panel in dash["panels"]:
    for target in panel.get("targets", []):
        exprs.append((panel["title"], target["expr"]))
common.check(len(exprs) >= 6, "the Grafana dashboard has %d queries" % len(exprs), failures)
for title, expr in exprs:
    e = expr.replace("$__rate_interval", "20s").replace("$__range", "60s")
    for var in ("$instance", "$name", "$domain"):
        e = e.replace('"%s"' % var, '".*"').replace(var, ".*")
    try:
        res = prom.query(e)
    except RuntimeError as ex:
        res = None
        print("  %s" % ex)
    common.check(bool(res), "Grafana panel '%s' returns data (%s)" % (title, e),
                 failures)

up = prom.query('up{job="xenbench-token"}')
common.check(up and up[0]["value"][1] == "1",
             "a serve with --token is scraped with a bearer credentials_file", failures)

ss.stop = True
common.stop_all()
print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
