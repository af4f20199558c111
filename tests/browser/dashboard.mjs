// dashboard.mjs: the browser test of `xenbench serve` and `report -f html`,
// in Debian's Chromium driven by playwright-core (tests/browser/run.sh
// installs it from the npm registry; no browser is downloaded).
//
//   node dashboard.mjs XENBENCH LOAD EXAMPLE_RUN OUTDIR [SCREENSHOT_COPY]
//
// - The dashboard of a live serve (two known loads, --db of an imported
//   history) loads with no console error; every heatmap cell equals /api/window
//   of the window the page shows, for cpu, then waited and blocked after
//   switching the metric; a screenshot goes to OUTDIR/dashboard.png (and to
//   SCREENSHOT_COPY, the README's picture, when given).
// - The plan view's numbers equal `xenbench plan --db FILE -f json`, the
//   placement view's `xenbench place --db FILE --hosts FILE -f json` (each
//   host's P95, max and capacity per resource, and its VMs).
// - `report -f html` of the example Xen run and of a Linux run recorded here
//   (with a disk writer) opens with no console error, and every plotted value
//   and table cell equals `report -f csv` of the same run; `plan -f html` and
//   `place -f html` open likewise and their figures equal their -f json.
// Needs root (tracefs).  Exit status 1 on any failure.
import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [xb, load, example, outdir, shotCopy] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
const failures = [];
const procs = [];
const t0 = Date.now();
function check(ok, what) {
  console.log((ok ? "ok - " : "not ok - ") + what + ` [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
  if (!ok) failures.push(what);
}
function stopAll() {
  for (const p of procs.reverse()) if (p.exitCode === null) p.kill("SIGTERM");
}
process.on("exit", stopAll);

function startLoad(...args) {
  const p = spawn(load, args, { stdio: "ignore", detached: true });
  procs.push(p);
  try {
    writeFileSync(`/proc/${p.pid}/autogroup`, "-20");  // its core, on a shared machine
  } catch (e) { /* not fatal: the test compares with /api, not with the load */ }
  return p;
}

function serve(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(xb, ["serve", "--listen", "127.0.0.1:0", ...args],
                    { stdio: ["ignore", "pipe", "pipe"] });
    procs.push(p);
    let out = "", err = "";
    p.stdout.on("data", d => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+\/)/);
      if (m) resolve(m[1]);
    });
    p.stderr.on("data", d => { err += d; });
    p.on("exit", code => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

const sleep = ms => new Promise(r => setTimeout(r, ms));
const run = (...args) => execFileSync(xb, args, { encoding: "utf8", maxBuffer: 1 << 28 });

// ---- set up: a history with a plan, two loads, serve ----------------------
const db = join(outdir, "history.db");
rmSync(db, { force: true });
run("import", "--db", db, example);
// two small hosts for the example's three guests (docs/planning.md, "Placement")
const hosts = join(outdir, "hosts.csv");
writeFileSync(hosts, "host,count,sockets,cores_per_socket,threads_per_core," +
              "mflops_per_core,ghz,memory_gib,disk_mbps,net_gbps,monthly_cost_usd\n" +
              "small,2,1,2,1,,2.6,8,500,10,100\n");
startLoad("duty", "spinner", "1", "100", "120");
startLoad("duty", "halfer", "0", "50", "120");
await sleep(300);
const base = await serve(["--domains", "process", "--match", "^(spinner|halfer)$", "--db", db,
                          "--hosts", hosts]);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});  // playwright gives it a new, empty profile folder of its own

try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 980 } });
  const errors = [];
  page.on("console", m => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", e => errors.push(e.message));
  const external = [];
  page.on("request", r => { if (!r.url().startsWith(base)) external.push(r.url()); });
  await page.goto(base);
  await page.waitForSelector("#heatmap tbody tr[data-domain='1']", { timeout: 30000 });
  await sleep(6000);                         // a few windows: the time series fills

  // Freeze the page on one window, then compare every cell with /api.
  await page.check("#pause");
  await sleep(300);
  async function compare(metric) {
    const key = { cpu: "cpu_pct", waited: "waited_pct", blocked: "blocked_pct" }[metric];
    const shown = await page.$eval("#heatmap", t => ({ window: t.dataset.window,
                                                        metric: t.dataset.metric }));
    const cells = await page.$$eval("#heatmap td.cell", tds => tds.map(td => ({
      domain: td.dataset.domain, pcpu: td.dataset.pcpu, value: td.dataset.value,
      text: td.textContent })));
    const api = await (await fetch(base + "api/window?index=" + shown.window)).json();
    check(shown.metric === metric, `heatmap shows ${metric} (${shown.metric})`);
    let bad = 0, n = 0;
    const doms = api.domains.filter(d => d.domid !== 32767);
    for (const d of doms) {
      for (let p = 0; p <= api.npcpu; p++) {
        const c = cells.find(c => c.domain === d.domain &&
                                  c.pcpu === (p === api.npcpu ? "total" : String(p)));
        n++;
        if (!c || parseFloat(c.value) !== d[key][p] || c.text !== d[key][p].toFixed(1)) bad++;
      }
    }
    check(n > 0 && bad === 0 && cells.length === n,
          `${metric}: the ${cells.length} heatmap cells of window ${shown.window} equal ` +
          `/api/window (${bad} differ, ${n} expected)`);
    return api;
  }
  const api = await compare("cpu");
  // pinned to core 1: its time is there, whatever share a busy machine left it
  const spin = api.domains.filter(d => d.name === "spinner")
    .sort((a, b) => b.cpu_pct[1] - a.cpu_pct[1])[0];
  check(spin && spin.cpu_pct[1] > 5 && spin.cpu_pct[0] < 0.5,
        `the spinner shows on core 1 (${spin && spin.cpu_pct[1]} %), not on core 0 ` +
        `(${spin && spin.cpu_pct[0]} %)`);
  await page.selectOption("#metric", "waited");
  await compare("waited");
  await page.selectOption("#metric", "blocked");
  await compare("blocked");
  await page.selectOption("#metric", "cpu");
  const lines = await page.$$eval("#series polyline", ps => ps.length);
  check(lines >= 3, `the time series has a line per domain (${lines})`);
  const ioRows = await page.$$eval("#io tbody tr[data-domain]", r => r.length);
  check(ioRows >= 2, `the disk/network table lists the loads (${ioRows} rows)`);
  await page.uncheck("#pause");
  await sleep(1500);
  await page.screenshot({ path: join(outdir, "dashboard.png"), fullPage: true });
  if (shotCopy) copyFileSync(join(outdir, "dashboard.png"), shotCopy);
  console.log("# screenshot: " + join(outdir, "dashboard.png"));

  // Plan view: the numbers of `plan -f json` of the same database.
  const plan = JSON.parse(run("plan", "--db", db, "-f", "json"));
  await page.click("nav button[data-view='plan']");
  await page.waitForSelector("#plan tbody tr", { timeout: 60000 });
  let bad = 0, n = 0;
  for (const v of plan.vms) {
    for (const c of v.choices) {
      n++;
      const got = await page.$eval(`#plan tr[data-vm="${v.vm}"] td[data-provider="${c.provider}"]` +
                                   `[data-key="monthly_usd"]`, td => td.dataset.value)
        .catch(() => null);
      // no type (InsufficientData, nothing covers): no price, an empty value
      if (got === null || (c.type ? parseFloat(got) !== c.monthly_usd : got !== "")) bad++;
    }
    const need = await page.$eval(`#plan tr[data-vm="${v.vm}"] td[data-key="cpu_need_cores"]`,
                                  td => td.dataset.value).catch(() => null);
    n++;
    if (need === null || parseFloat(need) !== v.cpu_need_cores) bad++;
  }
  for (const [k, t] of Object.entries(plan.totals)) {
    n++;
    const got = await page.$eval(`#plan-totals tr[data-provider="${k}"] td[data-key="monthly_usd"]`,
                                 td => td.dataset.value).catch(() => null);
    if (got === null || parseFloat(got) !== t.monthly_usd) bad++;
  }
  check(n > 0 && bad === 0, `plan view: ${n} figures equal plan -f json (${bad} differ)`);
  await page.screenshot({ path: join(outdir, "plan.png"), fullPage: true });

  // Placement view: the numbers of `place -f json` of the same database and hosts.
  const place = JSON.parse(run("place", "--db", db, "--hosts", hosts, "-f", "json"));
  await page.click("nav button[data-view='place']");
  await page.waitForSelector("#place .hostbox", { timeout: 60000 });
  bad = 0;
  n = 0;
  for (const h of place.hosts) {
    for (const [r, s] of Object.entries(h.series)) {
      for (const k of ["p95", "max", "capacity"]) {
        n++;
        const got = await page.$eval(`#place .hostbox[data-host="${h.host}"] ` +
                                     `tr[data-resource="${r}"] td[data-key="${k}"]`,
                                     td => td.dataset.value).catch(() => null);
        const want = s[k] === null ? "" : String(s[k]);
        if (got === null || (want === "" ? got !== "" : parseFloat(got) !== s[k])) bad++;
      }
    }
    n++;
    const vms = await page.$eval(`#place .hostbox[data-host="${h.host}"] [data-key="vms"]`,
                                 d => d.textContent).catch(() => "");
    const want = place.placement.filter(v => v.host === h.host).map(v => v.vm).join(", ");
    if (vms !== "VMs: " + (want || "none")) bad++;
  }
  const note = await page.textContent("#place-note");
  check(n > 0 && bad === 0 && note.includes(`${place.hosts_used} of ${place.hosts_in_pool}`),
        `placement view: ${n} figures and VM lists equal place -f json (${bad} differ)`);
  await page.screenshot({ path: join(outdir, "place.png"), fullPage: true });
  check(errors.length === 0, `dashboard: no console error (${errors.join("; ")})`);
  check(external.length === 0, `dashboard: nothing requested elsewhere (${external.join(", ")})`);
  await page.close();

  // ---- report -f html against report -f csv ------------------------------
  const linuxRun = join(outdir, "linux-run");
  rmSync(linuxRun, { recursive: true, force: true });
  const writer = startLoad("write", "writer", join(outdir, "writer.dat"), "5", "30");
  run("record", "-q", "-d", "4", "-o", linuxRun, "--domains", "process", "--match",
      "^(spinner|writer)$");
  writer.kill("SIGTERM");
  rmSync(join(outdir, "writer.dat"), { force: true });
  for (const [name, dir] of [["xen", example], ["linux", linuxRun]]) {
    const html = run("report", "-f", "html", "-i", "1", dir);
    const file = join(outdir, `report-${name}.html`);
    writeFileSync(file, html);
    const cpuPart = run("report", "-f", "csv", "-i", "1", dir);
    const diskPart = run("report", "-f", "csv", "-i", "1", "--table", "io", dir);
    const rows = cpuPart.trim().split("\n").slice(1).map(l => l.split(","));
    const hdr = cpuPart.split("\n")[0].split(",");
    const col = k => hdr.indexOf(k);
    const p = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errs = [];
    p.on("console", m => { if (m.type() === "error") errs.push(m.text()); });
    p.on("pageerror", e => errs.push(e.message));
    const reqs = [];
    p.on("request", r => { if (!r.url().startsWith("file:")) reqs.push(r.url()); });
    await p.goto("file://" + file);
    check(errs.length === 0, `report-${name}.html: no console error (${errs.join("; ")})`);
    check(reqs.length === 0, `report-${name}.html: self-contained (${reqs.join(", ")})`);
    // each plotted point: the CSV's (domain, vcpu all, pcpu total) of that window
    for (const metric of ["cpu_pct", "waited_pct"]) {
      const polys = await p.$$eval(`svg.chart[data-metric="${metric}"] polyline`, ps =>
        ps.map(q => ({ domain: q.dataset.domain, t: q.dataset.t.split(","),
                       v: q.dataset.v.split(",") })));
      let bad = 0, n = 0;
      for (const q of polys) {
        q.t.forEach((t, i) => {
          if (q.v[i] === "") return;
          n++;
          const r = rows.find(r => r[col("domain")] === q.domain && r[col("vcpu")] === "all" &&
                                   r[col("pcpu")] === "total" && r[col("t_start_s")] === t);
          if (!r || r[col(metric)] !== q.v[i]) bad++;
        });
      }
      check(n > 0 && bad === 0, `report-${name}.html: ${n} plotted ${metric} values equal ` +
            `the CSV (${bad} differ)`);
    }
    // the whole-run table and heatmaps: the CSV's windows summed, weighted by length
    const span = {};
    for (const r of rows) {
      const len = parseFloat(r[col("t_end_s")]) - parseFloat(r[col("t_start_s")]);
      for (const m of ["cpu_pct", "waited_pct", "blocked_pct"]) {
        const k = [r[col("domain")], r[col("vcpu")], r[col("pcpu")], m].join("|");
        span[k] = span[k] || { s: 0, l: 0 };
        span[k].s += parseFloat(r[col(m)]) * len;
        span[k].l += len;
      }
    }
    const cells = await p.$$eval("table.cpu td[data-metric]", tds => tds.map(td => td.dataset));
    const rects = await p.$$eval("svg.heatmap rect", rs => rs.map(r => ({
      metric: r.closest("svg").dataset.metric, domain: r.dataset.row, pcpu: r.dataset.col,
      v: r.dataset.v })));
    let bad = 0, n = 0;
    for (const c of [...cells, ...rects]) {
      const m = c.metric;
      if (m === "unknown_pct") continue;
      const k = [c.domain, "all", c.pcpu, m].join("|");
      n++;
      // "-": only the Linux host's blocked, as the text table (docs/metrics.md)
      if (c.v === "") {
        if (!(name === "linux" && c.domain === "0" && m === "blocked_pct")) bad++;
        continue;
      }
      const want = span[k] ? span[k].s / span[k].l : NaN;
      if (!(Math.abs(parseFloat(c.v) - want) <= 0.002)) bad++;
    }
    check(n > 0 && bad === 0, `report-${name}.html: ${n} table cells and heatmap cells ` +
          `equal the CSV's windows summed (${bad} differ)`);
    if (name === "linux") {
      const dlines = (diskPart || "").trim().split("\n");
      const dhdr = dlines[0].split(",");
      const drows = dlines.slice(1).map(l => l.split(","));
      let dbad = 0, dn = 0;
      for (const metric of ["read_mbps", "write_mbps"]) {
        const ci = dhdr.indexOf(metric);
        const polys = await p.$$eval(`svg.chart[data-metric="${metric}"] polyline`, ps =>
          ps.map(q => ({ domain: q.dataset.domain, t: q.dataset.t.split(","),
                         v: q.dataset.v.split(",") })));
        for (const q of polys) {
          q.t.forEach((t, i) => {
            if (q.v[i] === "") return;
            dn++;
            const r = drows.find(r => r[dhdr.indexOf("domain")] === q.domain &&
                                      r[dhdr.indexOf("t_start_s")] === t);
            if (!r || Math.abs(parseFloat(r[ci]) - parseFloat(q.v[i])) > 0.0006) dbad++;
          });
        }
      }
      const wmax = Math.max(...drows.map(r => parseFloat(r[dhdr.indexOf("write_mbps")])));
      check(dn > 0 && dbad === 0 && wmax > 1,
            `report-linux.html: ${dn} plotted disk MB/s equal the CSV (${dbad} differ; ` +
            `the writer's peak ${wmax} MB/s)`);
    }
    await p.screenshot({ path: join(outdir, `report-${name}.png`), fullPage: true });
    await p.close();
  }
  // ---- plan -f html and place -f html against their -f json --------------
  async function openPage(name, html) {
    const file = join(outdir, name);
    writeFileSync(file, html);
    const p = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errs = [], reqs = [];
    p.on("console", m => { if (m.type() === "error") errs.push(m.text()); });
    p.on("pageerror", e => errs.push(e.message));
    p.on("request", r => { if (!r.url().startsWith("file:")) reqs.push(r.url()); });
    await p.goto("file://" + file);
    check(errs.length === 0 && reqs.length === 0,
          `${name}: no console error, self-contained (${errs.concat(reqs).join("; ")})`);
    return p;
  }
  const near = (got, want) => got !== null && want !== null &&
    Math.abs(parseFloat(got) - want) <= 1e-9 * Math.max(1, Math.abs(want));
  {
    const p = await openPage("plan.html", run("plan", "--db", db, "-f", "html"));
    let bad = 0, n = 0;
    for (const v of plan.vms) {
      for (const c of v.choices) {
        n++;
        const got = await p.$eval(`table.vms tr[data-vm="${v.vm}"] td[data-provider=` +
                                  `"${c.provider}"][data-key="monthly_usd"]`,
                                  td => td.dataset.v === undefined ? "" : td.dataset.v)
          .catch(() => null);
        if (c.type ? !near(got, c.monthly_usd) : got !== "") bad++;
      }
      n++;
      const need = await p.$eval(`table.vms tr[data-vm="${v.vm}"] td[data-key="cpu_need_cores"]`,
                                 td => td.dataset.v).catch(() => null);
      if (!near(need, v.cpu_need_cores)) bad++;
    }
    for (const [k, t] of Object.entries(plan.totals)) {
      n += 2;
      const got = await p.$eval(`table.totals tr[data-provider="${k}"] td[data-key="monthly_usd"]`,
                                td => td.dataset.v).catch(() => null);
      if (!near(got, t.monthly_usd)) bad++;
      const bar = await p.$eval(`svg.bars rect[data-key="${k}"]`, r => r.dataset.v)
        .catch(() => null);
      if (bar === null || bar !== t.monthly_usd.toFixed(3)) bad++;
    }
    check(n > 0 && bad === 0, `plan.html: ${n} figures equal plan -f json (${bad} differ)`);
    await p.close();
  }
  {
    const p = await openPage("place.html", run("place", "--db", db, "--hosts", hosts, "-f",
                                               "html"));
    let bad = 0, n = 0;
    for (const h of place.hosts) {
      for (const [r, s] of Object.entries(h.series)) {
        for (const k of ["p95", "max", "capacity"]) {
          n++;
          const got = await p.$eval(`table.hosts tr[data-host="${h.host}"][data-resource=` +
                                    `"${r}"] td[data-key="${k}"]`,
                                    td => td.dataset.v === undefined ? null : td.dataset.v)
            .catch(() => "missing");
          if (s[k] === null ? got !== null : !near(got, s[k])) bad++;
        }
      }
    }
    for (const v of place.placement) {
      n++;
      const got = await p.$eval(`table.placement tr[data-vm="${v.vm}"] td[data-key="host"]`,
                                td => td.textContent).catch(() => null);
      if (got !== (v.host === null ? "-" : v.host)) bad++;
    }
    check(n > 0 && bad === 0, `place.html: ${n} figures equal place -f json (${bad} differ)`);
    await p.close();
  }
} catch (e) {
  check(false, "exception: " + (e.stack || e));
} finally {
  await browser.close();
  stopAll();
}
console.log(`${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
