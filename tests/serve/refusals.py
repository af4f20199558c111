#!/usr/bin/env python3
"""refusals.py XENBENCH: what `xenbench serve` does with requests it must refuse,
spoken to over raw sockets where a library would tidy the request up.

- loopback is the default address;
- with --token, no token or a wrong one gets 401 (header or ?token=);
- unknown paths and path traversal get 404 and never a file of this host;
- methods other than GET/HEAD get 405, a request body 413, an oversized
  header or URL 431 or 414: the server stays up;
- slow clients (a header sent a byte at a time, connections that send
  nothing) cost only their own connection: others are answered at once and
  the idle ones are closed after the timeout;
- meanwhile the recorder keeps its windows: none late, none missing.
Needs root (tracefs)."""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

xb = sys.argv[1]
failures = []
check = lambda ok, what: common.check(ok, what, failures)  # noqa: E731
tmp = tempfile.mkdtemp(prefix="xb-http-")

# --- the default address is loopback --------------------------------------
# a process for serve to find: --match must match something
sleeper = common.start("sleep", "600")
p = common.start(xb, "serve", "--domains", "process", "--match", "^sleep$", "-d", "3",
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
out, err = p.communicate(timeout=30)
m = re.search(r"listening on http://([0-9.]+):(\d+)/", out)
if m:
    check(m.group(1) == "127.0.0.1" and m.group(2) == "9465",
          "default listen address is 127.0.0.1:9465 (%s:%s)" % m.groups())
else:  # another program holds 9465 here: the message must still name loopback
    check("127.0.0.1:9465" in err, "default address 127.0.0.1:9465 named when busy: " + err)

token = "s3cret-T0ken"
tf = os.path.join(tmp, "token")
with open(tf, "w") as f:
    f.write(token + "\n")
srv, base = common.serve(xb, "--domains", "process", "--match", "^sleep$", "--token", tf)
host, port = re.match(r"http://([0-9.]+):(\d+)/", base).groups()
port = int(port)
auth = {"Authorization": "Bearer " + token}


def raw(data, timeout=5):
    """Send bytes, return (status or None, whole answer)."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(data)
        got = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            got += chunk
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d+)", got)
    return (int(m.group(1)) if m else None), got


def req(line, headers=b"", body=b""):
    return raw(line + b"\r\nHost: x\r\nConnection: close\r\n" + headers + b"\r\n" + body)


common.wait_for(lambda: common.get(base + "api/window", headers=auth)[0] == 200, 30,
                "the first window")
t_start = time.time()
info0 = common.get_json(base + "api/info", headers=auth)[1]

# --- token -----------------------------------------------------------------
st, hdr, _ = common.get(base + "metrics")
check(st == 401 and "Bearer" in hdr.get("WWW-Authenticate", ""),
      "no token: 401 with WWW-Authenticate: Bearer (%s)" % st)
check(common.get(base + "metrics", headers={"Authorization": "Bearer nope"})[0] == 401,
      "wrong token: 401")
check(common.get(base + "metrics", headers={"Authorization": "Bearer " + token + "x"})[0]
      == 401, "token with a suffix: 401")
check(common.get(base + "?token=" + token[:-1])[0] == 401, "wrong ?token=: 401")
st, hdr, body = common.get(base + "metrics", headers=auth)
check(st == 200 and b"xenbench_cpu_seconds_total" in body and
      hdr.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
      "right token: 200, the exposition format's Content-Type")
st, hdr, body = common.get(base + "?token=" + token)
check(st == 200 and b"<title>xenbench serve</title>" in body and
      "default-src 'self'" in hdr.get("Content-Security-Policy", ""),
      "the dashboard with ?token=: 200, with a CSP that allows nothing from elsewhere")
for path in ("app.js", "app.css", "favicon.svg"):
    check(common.get(base + path, headers=auth)[0] == 200, "asset /%s: 200" % path)

# --- unknown paths, traversal ------------------------------------------------
A = b"Authorization: Bearer " + token.encode() + b"\r\n"
for path in (b"/nope", b"/../../../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd",
             b"/app.js/../../../../etc/passwd", b"//etc/passwd", b"/api/../../etc/shadow",
             b"/index.html%00.js", b"/assets/app.js", b"/metrics/../../etc/passwd"):
    st, got = req(b"GET " + path + b" HTTP/1.1", A)
    check(st in (400, 404) and b"root:" not in got, "GET %s: %s, no file" % (path.decode(), st))
st, got = req(b"GET /api/window?index=abc HTTP/1.1", A)
check(st == 400, "bad ?index=: 400 (%s)" % st)
st, got = req(b"GET /api/window?index=999999 HTTP/1.1", A)
check(st == 404, "a window not kept: 404 (%s)" % st)

# --- methods, bodies, sizes ----------------------------------------------------
st, got = req(b"POST /metrics HTTP/1.1", A + b"Content-Length: 5\r\n", b"hello")
check(st == 405 and b"Allow: GET, HEAD" in got, "POST: 405 with Allow (%s)" % st)
st, got = req(b"DELETE / HTTP/1.1", A)
check(st == 405, "DELETE: 405 (%s)" % st)
st, got = req(b"GET /metrics HTTP/1.1", A + b"Content-Length: 4\r\n", b"abcd")
check(st == 413, "GET with a body: 413 (%s)" % st)
st, got = req(b"GET /metrics HTTP/1.1", A + b"Transfer-Encoding: chunked\r\n",
              b"4\r\nabcd\r\n0\r\n\r\n")
check(st == 413, "GET with a chunked body: 413 (%s)" % st)
st, got = req(b"GET /metrics HTTP/1.1", A + b"X-Big: " + b"a" * 65536 + b"\r\n")
check(st in (431, 413, None) and b"xenbench_cpu" not in got,
      "a 64 KiB header: refused (%s)" % st)
st, got = req(b"GET /" + b"a" * 100000 + b" HTTP/1.1", A)
check(st in (414, 431, None) and b"xenbench_cpu" not in got,
      "a 100 KB URL: refused (%s)" % st)
st, _ = req(b"HEAD /metrics HTTP/1.1", A)
check(st == 200, "HEAD: 200")
check(common.get(base + "metrics", headers=auth)[0] == 200, "still answering after all that")

# --- slow clients ----------------------------------------------------------------
idle = [socket.create_connection((host, port)) for _ in range(30)]
slow = [socket.create_connection((host, port)) for _ in range(30)]
text = b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + A
t0 = time.time()
worst = 0.0
for i in range(16):                           # 8 s of a byte each 0.5 s
    for s in slow:
        try:
            s.send(text[i:i + 1])
        except OSError:
            pass
    a = time.time()
    st = common.get(base + "metrics", headers=auth, timeout=5)[0]
    worst = max(worst, time.time() - a)
    if st != 200:
        check(False, "a normal client during the slow ones: %s" % st)
        break
    time.sleep(0.5)
check(worst < 1.0, "normal clients answered during 60 slow ones, worst %.3f s" % worst)
time.sleep(max(0, 12 - (time.time() - t0)))      # the idle timeout is 10 s
closed = 0
for s in idle:
    s.settimeout(2)
    try:
        closed += s.recv(1) == b""
    except (ConnectionResetError, socket.timeout):
        closed += 1
    s.close()
for s in slow:
    s.close()
check(closed == len(idle), "idle connections closed by the server after its timeout "
      "(%d of %d)" % (closed, len(idle)))

# --- the recorder kept its windows ------------------------------------------------
elapsed = time.time() - t_start
info = common.get_json(base + "api/info", headers=auth)[1]
made = info["windows"] - info0["windows"]
check(made >= int(elapsed) - 2, "windows kept coming: %d in %.0f s" % (made, elapsed))
check(info["windows_late"] == 0, "no window late (%d)" % info["windows_late"])
series = common.get_json(base + "api/series", headers=auth)[1]["windows"]
gaps = sum(1 for a, b in zip(series, series[1:]) if abs(a["t_end_s"] - b["t_start_s"]) > 1e-6
           or b["index"] != a["index"] + 1)
check(gaps == 0, "the kept windows have no gap (%d windows)" % len(series))
check(srv.poll() is None, "serve still running")
common.stop_all()
print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
