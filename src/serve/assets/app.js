// app.js: the dashboard of `xenbench serve`.  Plain JavaScript, no
// framework, nothing fetched but this server's /api/.  Reads /api/info once,
// then each window /api/window (the heatmap and the disk table) and
// /api/series (the time series); with --db, /api/plan and /api/place.
// docs/serve.md names every field used here.
"use strict";

const params = new URLSearchParams(location.search);
const token = params.get("token");
const state = { info: null, window: null, series: null, metric: "cpu", timer: null };
const KEYS = { cpu: "cpu_pct", waited: "waited_pct", blocked: "blocked_pct" };
const COLORS = ["#0969da", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#bf3989",
                "#0550ae", "#bc4c00", "#116329", "#6e7781"];
const SVGNS = "http://www.w3.org/2000/svg";

function $(id) { return document.getElementById(id); }

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVGNS, tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  return e;
}

async function api(path) {
  const headers = token ? { Authorization: "Bearer " + token } : {};
  const r = await fetch(path, { headers, cache: "no-store" });
  const body = await r.json();
  if (!r.ok) throw new Error(path + ": " + (body.error || r.status));
  return body;
}

function fmt(v, digits) {
  return v === null || v === undefined ? "-" : v.toFixed(digits);
}

function status(text, bad) {
  $("status").textContent = text;
  $("status").className = bad ? "status bad" : "status";
}

// White to blue by share of one core (pCPU columns) or of the column's largest.
function shade(v, max) {
  const f = Math.max(0, Math.min(1, max > 0 ? v / max : 0));
  const c = (a, b) => Math.round(a + (b - a) * f);
  return "rgb(" + c(255, 9) + "," + c(255, 105) + "," + c(255, 218) + ")";
}

function visible(d) {
  return $("idle").checked || d.domid !== 32767;
}

function drawHeatmap() {
  const w = state.window, key = KEYS[state.metric], table = $("heatmap");
  if (!w) return;
  table.dataset.window = w.index;
  table.dataset.metric = state.metric;
  $("hm-title").textContent = "window " + w.index + ": " + w.t_start_s.toFixed(1) +
    " .. " + w.t_end_s.toFixed(1) + " s, " + state.metric + "(%)";
  const head = el("tr");
  head.append(el("th", {}, "VM"), el("th", {}, "name"));
  for (let p = 0; p < w.npcpu; p++) head.append(el("th", {}, "core " + p));
  head.append(el("th", {}, "total"));
  table.tHead.replaceChildren(head);
  const doms = w.domains.filter(visible);
  let maxTotal = 0;
  for (const d of doms) maxTotal = Math.max(maxTotal, d[key][w.npcpu]);
  const rows = doms.map(d => {
    const tr = el("tr", { "data-domain": d.domain });
    tr.append(el("td", {}, d.domain), el("td", {}, d.name));
    for (let p = 0; p <= w.npcpu; p++) {
      const v = d[key][p];
      const td = el("td", { class: p === w.npcpu ? "cell total" : "cell",
                            "data-domain": d.domain, "data-pcpu": p === w.npcpu ? "total" : p,
                            "data-value": v, title: d.name + ", " +
                            (p === w.npcpu ? "all cores" : "core " + p) + ": " +
                            v.toFixed(3) + " %" }, v.toFixed(1));
      td.style.backgroundColor = shade(v, p === w.npcpu ? Math.max(100, maxTotal) : 100);
      td.style.color = v > 60 && p < w.npcpu ? "#fff" : "";
      tr.append(td);
    }
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
}

// The columns are the metric table's rows that report's table shows
// (/api/info "metrics": name, label, digits).
function drawIo() {
  const w = state.window, cols = state.info.metrics || [];
  if (!w) return;
  $("io-title").textContent = "window " + w.index;
  const head = el("tr");
  head.append(el("th", {}, "VM"), el("th", {}, "name"));
  for (const c of cols) head.append(el("th", {}, c.label));
  $("io").tHead.replaceChildren(head);
  const rows = w.domains.filter(d => d.metrics &&
      cols.some(c => d.metrics[c.name] !== null)).map(d => {
    const tr = el("tr", { "data-domain": d.domain });
    tr.append(el("td", {}, d.domain), el("td", {}, d.name));
    for (const c of cols)
      tr.append(el("td", { class: "num", "data-key": c.name,
                           "data-value": d.metrics[c.name] },
                   fmt(d.metrics[c.name], c.digits)));
    return tr;
  });
  if (!rows.length) {
    const tr = el("tr");
    tr.append(el("td", { colspan: cols.length + 2 },
                 "no disk, network or memory counters in this window"));
    rows.push(tr);
  }
  $("io").tBodies[0].replaceChildren(...rows);
}

function drawSeries() {
  const s = state.series, key = KEYS[state.metric];
  if (!s || !s.windows.length) return;
  const W = 900, H = 260, L = 50, R = 10, T = 10, B = 30;
  const doms = s.domains.filter(d => visible(d));
  let max = 100;
  for (const d of doms) for (const v of d[key]) if (v !== null) max = Math.max(max, v);
  max = Math.ceil(max / 50) * 50;
  const t0 = s.windows[0].t_end_s, t1 = s.windows[s.windows.length - 1].t_end_s;
  const x = t => L + (t1 > t0 ? (t - t0) / (t1 - t0) : 1) * (W - L - R);
  const y = v => T + (1 - v / max) * (H - T - B);
  const root = svg("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H,
                            "data-metric": state.metric });
  for (let g = 0; g <= max; g += max / 4) {
    root.append(svg("line", { x1: L, x2: W - R, y1: y(g), y2: y(g), stroke: "#d0d7de" }));
    const lab = svg("text", { x: L - 6, y: y(g) + 4, "text-anchor": "end",
                              "font-size": 11, fill: "#57606a" });
    lab.textContent = g + " %";
    root.append(lab);
  }
  const lab = svg("text", { x: W - R, y: H - 8, "text-anchor": "end", "font-size": 11,
                            fill: "#57606a" });
  lab.textContent = "last " + (t1 - t0 + state.info.interval_s).toFixed(0) + " s";
  root.append(lab);
  const legend = [];
  doms.forEach((d, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = [];
    d[key].forEach((v, k) => {
      if (v !== null) pts.push(x(s.windows[k].t_end_s).toFixed(1) + "," + y(v).toFixed(1));
    });
    root.append(svg("polyline", { points: pts.join(" "), fill: "none", stroke: color,
                                  "stroke-width": 1.5, "data-domain": d.domain }));
    const item = el("span");
    const sw = el("span", { class: "swatch" });
    sw.style.backgroundColor = color;
    const last = d[key][d[key].length - 1];
    item.append(sw, document.createTextNode(d.domain + " " + d.name + " (" +
                                            fmt(last, 1) + " %)"));
    legend.push(item);
  });
  $("series").replaceChildren(root);
  $("legend").replaceChildren(...legend);
  $("series-title").textContent = s.windows.length + " windows, " + state.metric + "(%) in total";
}

function drawAll() {
  drawHeatmap();
  drawIo();
  drawSeries();
}

async function tick() {
  if ($("pause").checked) return;
  try {
    const [w, s, info] = await Promise.all([api("/api/window"), api("/api/series"),
                                           api("/api/info")]);
    state.window = w;
    state.series = s;
    state.info = info;
    status("window " + w.index + " · lost events " + info.lost_events +
           (info.windows_late ? " · late windows " + info.windows_late : ""));
    drawAll();
  } catch (e) {
    status(e.message, true);
  }
}

function planView(p) {
  const methods = Object.entries(p.totals || {}).map(([k, t]) => k + " by " + t.method).join(", ");
  const note = "methods: " + methods + "; data minimum " + p.min_coverage_h + " h; look-back " +
    p.since + " (" + p.lookback_from + " .. " + p.lookback_to + "); " +
    p.catalog_types + " catalogue types" +
    (p.not_planned && p.not_planned.length ? "; not planned: " + p.not_planned.join("; ") : "");
  $("plan-note").textContent = note;
  const providers = Object.keys(p.totals || {});
  $("plan-totals").tBodies[0].replaceChildren(...providers.map(k => {
    const t = p.totals[k], tr = el("tr", { "data-provider": k });
    tr.append(el("td", {}, k), el("td", {}, t.region), el("td", { class: "num" }, t.vms),
              el("td", { class: "num", "data-key": "monthly_usd", "data-value": t.monthly_usd },
                 t.monthly_usd.toFixed(2)));
    return tr;
  }));
  const head = el("tr");
  head.append(el("th", {}, "VM"), el("th", {}, "host"), el("th", {}, "finding"),
              el("th", {}, "cpu need (cores)"));
  for (const k of providers) head.append(el("th", {}, k + " type"), el("th", {}, k + " $/month"));
  $("plan").tHead.replaceChildren(head);
  $("plan").tBodies[0].replaceChildren(...(p.vms || []).map(v => {
    const tr = el("tr", { "data-vm": v.vm, "data-host": v.host });
    tr.append(el("td", {}, v.vm), el("td", {}, v.host), el("td", {}, v.finding),
              el("td", { class: "num", "data-key": "cpu_need_cores",
                         "data-value": v.cpu_need_cores }, fmt(v.cpu_need_cores, 3)));
    for (const k of providers) {
      const c = (v.choices || []).find(c => c.provider === k);
      const priced = c && c.type;      /* InsufficientData or no type: no price */
      tr.append(el("td", { "data-provider": k }, priced ? c.type : "-"),
                el("td", { class: "num", "data-provider": k, "data-key": "monthly_usd",
                           "data-value": priced ? c.monthly_usd : "" },
                   priced ? c.monthly_usd.toFixed(2) : "-"));
    }
    return tr;
  }));
}

// The placement: `place --db FILE --hosts FILE -f json`, per host its VMs
// and the P95 and max of each resource's summed demand against capacity.
function placeView(p) {
  $("place-note").textContent = p.hosts_used + " of " + p.hosts_in_pool +
    " hosts used; lower bound " + p.lower_bound + " (" + p.bound_by + "), gap " +
    fmt(p.gap_pct, 1) + " %; " + p.moves + " moves; " + p.not_placed +
    " VMs placed nowhere" + (p.monthly_cost_usd !== null ?
      "; $" + p.monthly_cost_usd.toFixed(2) + "/month" : "") +
    "; target " + p.target_pct + " % of capacity per " + p.window_s + " s window";
  const vmsOf = h => (p.placement || []).filter(v => v.host === h).map(v => v.vm);
  $("place").replaceChildren(...(p.hosts || []).map(h => {
    const box = el("div", { class: "hostbox", "data-host": h.host });
    box.append(el("strong", {}, h.host + " (" + h.state + ")"));
    const t = el("table", { class: "plain" });
    const head = el("tr");
    for (const c of ["resource", "P95", "max", "capacity", "P95 of capacity"])
      head.append(el("th", {}, c));
    t.append(head);
    for (const [r, s] of Object.entries(h.series || {})) {
      const tr = el("tr", { "data-resource": r });
      tr.append(el("td", {}, r + " (" + s.unit + ")"));
      for (const k of ["p95", "max", "capacity"])
        tr.append(el("td", { class: "num", "data-key": k,
                             "data-value": s[k] === null ? "" : s[k] },
                     s[k] === null ? "-" : String(+s[k].toFixed(3))));
      const bar = el("td");
      if (s.p95 !== null && s.capacity > 0) {
        const track = el("div", { class: "bartrack" }), fill = el("div", { class: "bar" });
        fill.style.width = Math.min(100, 100 * s.p95 / s.capacity).toFixed(1) + "%";
        track.append(fill);
        bar.append(track);
      }
      tr.append(bar);
      t.append(tr);
    }
    box.append(t);
    box.append(el("div", { class: "note", "data-key": "vms" },
                  "VMs: " + (vmsOf(h.host).join(", ") || "none")));
    return box;
  }));
}

async function showView(name) {
  for (const b of document.querySelectorAll(".tab"))
    b.classList.toggle("active", b.dataset.view === name);
  for (const v of ["live", "plan", "place"]) $("view-" + v).hidden = v !== name;
  if (name === "live") return;
  const note = $(name + "-note");
  const info = await api("/api/info").catch(() => state.info);
  const view = info.views && info.views[name];
  if (!info.db) {
    note.textContent = "No history database: start serve with --db FILE.";
    return;
  }
  if (!view || !view.ok) {
    // Not fetched: the reason is in /api/info (a failed request would only
    // add an error to the console).
    note.textContent = view && view.pending ? "Being computed; open this tab again." :
      "Not available: " + (view ? view.error : "unknown view");
    return;
  }
  try {
    const body = await api("/api/" + name);
    (name === "plan" ? planView : placeView)(body);
  } catch (e) {
    note.textContent = e.message;
  }
}

async function start() {
  for (const b of document.querySelectorAll(".tab"))
    b.addEventListener("click", () => showView(b.dataset.view));
  $("metric").addEventListener("change", () => {
    state.metric = $("metric").value;
    drawAll();
  });
  $("idle").addEventListener("change", drawAll);
  try {
    state.info = await api("/api/info");
  } catch (e) {
    status(e.message, true);
    return;
  }
  const i = state.info;
  $("host").textContent = i.host + " · " + i.cpu_model;
  $("facts").textContent = i.npcpu + " physical CPUs · " + i.source + " · windows of " +
    i.interval_s + " s · xenbench " + i.version;
  await tick();
  state.timer = setInterval(tick, Math.max(500, i.interval_s * 1000));
}

start();
