"""common.py: what the serve tests share: a known load, `xenbench serve`
started on a free loopback port, a real Prometheus scraping it, and small
HTTP helpers.  Every server listens on 127.0.0.1 only and is stopped at the
end of the test, whatever happens."""
import atexit
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

PROCS = []


def stop_all():
    for p in reversed(PROCS):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


atexit.register(stop_all)


def check(ok, what, failures):
    print(("ok - " if ok else "not ok - ") + what, flush=True)
    if not ok:
        failures.append(what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(*args, **kw):
    p = subprocess.Popen(list(args), **kw)
    PROCS.append(p)
    return p


def spinner(load, name, cpu, seconds):
    """A load busy 100 % on one core.  On a machine shared with other
    sessions, the scheduler shares a core between sessions (autogroups)
    before it looks at nice values: the load gets a session of its own whose
    autogroup is niced to -20, so it has the core (its own schedstat is the
    truth either way)."""
    p = start(load, "duty", name, str(cpu), "100", str(seconds), start_new_session=True)
    try:
        with open("/proc/%d/autogroup" % p.pid, "w") as f:
            f.write("-20")
        os.setpriority(os.PRIO_PROCESS, p.pid, -20)
    except OSError as e:
        print("# could not raise the load's priority: %s" % e)
    return p


def run_ns(pid):
    """sum_exec_runtime of every thread of pid, in ns (schedstat)."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            total += int(open("/proc/%d/task/%s/schedstat" % (pid, tid)).read().split()[0])
        except (OSError, ValueError):
            pass
    return total


class Schedstat(threading.Thread):
    """A process's run time every 100 ms: (wall time, ns), interpolated at
    any instant in between (at(t))."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.rows, self.stop = pid, [], False
        self.start()

    def run(self):
        while not self.stop:
            try:
                self.rows.append((time.time(), run_ns(self.pid)))
            except OSError:
                return
            time.sleep(0.1)

    def at(self, t):
        rows = list(self.rows)
        for (t0, v0), (t1, v1) in zip(rows, rows[1:]):
            if t0 <= t <= t1:
                return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
        raise ValueError("no schedstat around %.1f" % t)


def serve(xb, *extra, listen="127.0.0.1:0"):
    """Start `xenbench serve`; returns (process, base URL)."""
    p = start(xb, "serve", "--listen", listen, *extra, stdout=subprocess.PIPE,
              stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    m = re.search(r"listening on (http://\S+/)", line)
    if not m:
        err = p.stderr.read() if p.poll() is not None else ""
        sys.exit("serve did not start: %r %s" % (line, err))
    return p, m.group(1)


def get(url, headers=None, timeout=10):
    """(status, headers, body bytes) of a GET, errors included."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def get_json(url, **kw):
    st, _, body = get(url, **kw)
    return st, json.loads(body) if body else None


def wait_for(fn, seconds, what):
    end = time.time() + seconds
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.25)
    sys.exit("timed out waiting for " + what)


class Prometheus:
    """A real Prometheus (Debian's) on a free loopback port, with the
    configuration text given, its data in a temporary folder."""

    def __init__(self, config):
        self.dir = tempfile.mkdtemp(prefix="xb-prom-")
        self.port = free_port()
        cfg = os.path.join(self.dir, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write(config)
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = open(os.path.join(self.dir, "prometheus.log"), "w")
        self.p = start("prometheus", "--config.file=" + cfg,
                       "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
                       "--web.listen-address=127.0.0.1:%d" % self.port,
                       "--web.enable-lifecycle",
                       stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.ready(), 60, "Prometheus to be ready")

    def ready(self):
        try:
            return get(self.url + "/-/ready", timeout=2)[0] == 200
        except OSError:
            return False

    def query(self, q, at=None):
        args = {"query": q}
        if at is not None:
            args["time"] = "%.3f" % at
        st, body = get_json(self.url + "/api/v1/query?" + urllib.parse.urlencode(args))
        if st != 200 or body.get("status") != "success":
            raise RuntimeError("query %s: %s %s" % (q, st, body))
        return body["data"]["result"]

    def targets_up(self):
        r = self.query("up")
        return r and all(x["value"][1] == "1" for x in r)
