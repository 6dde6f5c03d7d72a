// report.html's script: builds the sortable design table and, for the selected design, the roofline, the per-layer
// breakdown and the resource bars, from the JSON in #report-data (written by FpgaGen.Exploration.Report.ReportData).
// Text from the data is only ever set with textContent. window.fpgagenReport is the page's test hook.
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const NS = "http://www.w3.org/2000/svg";
  const resources = data.device.resources;
  const byRank = new Map(data.designs.map(d => [d.rank, d]));
  let selected = data.designs.length > 0 ? data.designs[0].rank : null;
  let sort = { key: "rank", dir: 1 };

  // ---- helpers ----
  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function html(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(v, digits) {
    return Number(v).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  // Three significant digits, for log axes and tooltips.
  function sig(v) {
    if (!isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a >= 100 ? fmt(v, 0) : a >= 10 ? fmt(v, 1) : a >= 1 ? fmt(v, 2) : Number(v.toPrecision(3)).toString();
  }
  const pct = v => fmt(100 * v, 0) + " %";
  const kindColor = k => data.kind_colors[k] || "#777";

  // ---- the table ----
  const columns = [
    { key: "rank", label: "#", value: d => d.rank, text: d => String(d.rank) },
    { key: "kernel", label: "kernel", cls: "text", value: d => d.kernel, text: d => d.kernel, swatch: true },
    { key: "params", label: "parameters", cls: "text", value: d => d.params, text: d => d.params },
    { key: "precision", label: "type", cls: "text", value: d => d.precision, text: d => d.precision },
    { key: "freq", label: "MHz", value: d => d.freq_mhz, text: d => fmt(d.freq_mhz, 0) },
    { key: "ips", label: "images/s", value: d => d.images_per_s, text: d => fmt(d.images_per_s, 1) },
    { key: "gops", label: "GOPS", value: d => d.gops, text: d => fmt(d.gops, 1) },
    { key: "latency", label: "latency ms", value: d => d.latency_ms, text: d => fmt(d.latency_ms, 2) },
    { key: "eff", label: "DSP eff.", value: d => d.dsp_efficiency, text: d => pct(d.dsp_efficiency) },
    ...resources.map((r, i) => ({ key: "res" + i, label: r.name, value: d => d.resources[i] / r.count, text: d => pct(d.resources[i] / r.count) })),
    { key: "binding", label: "binding", cls: "text", value: d => d.binding, text: d => d.binding, title: "the resource closest to its limit" },
    { key: "pareto", label: "Pareto", cls: "text", value: d => (d.pareto ? 0 : 1), text: d => (d.pareto ? "*" : ""), title: "on the Pareto front of throughput vs DSP, RAM and logic together" },
  ];

  function buildHeader() {
    const row = html("tr");
    for (const c of columns) {
      const th = html("th", { "data-key": c.key, class: c.cls || "", scope: "col", tabindex: 0, title: (c.title ? c.title + "; " : "") + "sort by " + c.label }, c.label);
      const act = () => {
        sort = sort.key === c.key ? { key: c.key, dir: -sort.dir } : { key: c.key, dir: 1 };
        buildBody();
      };
      th.addEventListener("click", act);
      th.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); act(); } });
      row.appendChild(th);
    }
    document.querySelector("#designs thead").appendChild(row);
  }

  function buildBody() {
    const col = columns.find(c => c.key === sort.key);
    const rows = [...data.designs].sort((a, b) => {
      const x = col.value(a), y = col.value(b);
      const c = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
      return c !== 0 ? sort.dir * c : a.rank - b.rank;
    });
    const body = document.querySelector("#designs tbody");
    body.replaceChildren();
    for (const d of rows) {
      const tr = html("tr", { "data-rank": d.rank, tabindex: 0, title: d.summary });
      if (d.rank === selected) tr.classList.add("selected");
      for (const c of columns) {
        const td = html("td", { class: c.cls || "" });
        if (c.swatch) td.appendChild(html("span", { class: "swatch", style: "background:" + kindColor(d.kernel) }));
        td.appendChild(document.createTextNode(c.text(d)));
        tr.appendChild(td);
      }
      tr.addEventListener("click", () => select(d.rank));
      tr.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(d.rank); } });
      body.appendChild(tr);
    }
    for (const th of document.querySelectorAll("#designs th")) {
      if (th.dataset.key === sort.key) th.setAttribute("aria-sort", sort.dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
  }

  // ---- the roofline (log-log), after Zhang et al., "Optimizing FPGA-based accelerator design for deep
  // convolutional neural networks", FPGA 2015, Fig. 3: attainable performance = min(compute roof, CTC ratio × bandwidth).
  function roofline(d) {
    const W = 620, H = 420, L = 70, R = 20, T = 20, B = 50;
    const root = svg("svg", { id: "roofline-svg", width: W, height: H, viewBox: `0 0 ${W} ${H}`, "font-size": 12, "data-rank": d.rank });
    root.appendChild(svg("rect", { width: W, height: H, fill: "white" }));
    const layers = d.layers.filter(l => l.ops > 0 && l.bytes > 0);
    const pts = layers.map(l => ({ l, x: l.ops / l.bytes, y: l.ops / (l.ms * 1e6) }));
    const roof = d.device_peak_gops, bw = d.bandwidth_gb_per_s, ridge = roof / bw;
    const xs = pts.map(p => p.x).concat([ridge, roof / Math.max(bw, data.device.memory_gb_per_s)]), ys = pts.map(p => p.y).concat([roof, d.peak_gops]);
    const x0 = Math.pow(10, Math.floor(Math.log10(Math.min(...xs) / 2))), x1 = Math.pow(10, Math.ceil(Math.log10(Math.max(...xs) * 2)));
    const y0 = Math.pow(10, Math.floor(Math.log10(Math.min(...ys) / 2))), y1 = Math.pow(10, Math.ceil(Math.log10(Math.max(...ys) * 2)));
    const X = v => L + (Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0)) * (W - L - R);
    const Y = v => H - B - (Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) * (H - T - B);
    for (let e = Math.log10(x0); e <= Math.log10(x1) + 1e-9; e++) {
      const v = Math.pow(10, e);
      root.appendChild(svg("line", { x1: X(v), y1: T, x2: X(v), y2: H - B, stroke: "#eee" }));
      root.appendChild(svg("text", { x: X(v), y: H - B + 16, "text-anchor": "middle" }, sig(v)));
    }
    for (let e = Math.log10(y0); e <= Math.log10(y1) + 1e-9; e++) {
      const v = Math.pow(10, e);
      root.appendChild(svg("line", { x1: L, y1: Y(v), x2: W - R, y2: Y(v), stroke: "#eee" }));
      root.appendChild(svg("text", { x: L - 6, y: Y(v) + 4, "text-anchor": "end" }, sig(v)));
    }
    root.appendChild(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "black" }));
    root.appendChild(svg("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "black" }));
    root.appendChild(svg("text", { x: (L + W - R) / 2, y: H - 12, "text-anchor": "middle" }, "computation-to-communication ratio (operations per byte of external memory traffic)"));
    root.appendChild(svg("text", { x: 16, y: (T + H - B) / 2, "text-anchor": "middle", transform: `rotate(-90 16 ${(T + H - B) / 2})` }, "attained GOPS"));
    // The device's roofline: the bandwidth slope up to the ridge, then the compute roof.
    const start = Math.max(x0, y0 / bw);
    const roofLine = svg("polyline", { class: "device-roof", fill: "none", stroke: "black", "stroke-width": 2,
      points: `${X(start)},${Y(bw * start)} ${X(ridge)},${Y(roof)} ${X(x1)},${Y(roof)}` });
    roofLine.appendChild(svg("title", {}, `device: ${sig(roof)} GOPS compute roof (every DSP at ${fmt(d.freq_mhz, 0)} MHz, ${d.precision}), ${sig(bw)} GB/s memory bandwidth (as the design's buffers are placed); ridge at ${sig(ridge)} op/byte`));
    root.appendChild(roofLine);
    root.appendChild(svg("text", { x: W - R - 4, y: Y(roof) - 6, "text-anchor": "end" }, `compute roof ${sig(roof)} GOPS`));
    root.appendChild(svg("text", { x: X(start) + 6, y: Y(bw * start) - 8, class: "bw-label" }, `memory ${sig(bw)} GB/s`));
    // The device's total bandwidth, where the design's buffers reach less of it (one DDR bank or HBM pseudo channel).
    const total = data.device.memory_gb_per_s;
    if (total > bw * 1.001) {
      const s2 = Math.max(x0, y0 / total);
      const all = svg("polyline", { class: "device-bandwidth", fill: "none", stroke: "#777", "stroke-dasharray": "5 3",
        points: `${X(s2)},${Y(total * s2)} ${X(roof / total)},${Y(roof)}` });
      all.appendChild(svg("title", {}, `the device's total memory bandwidth, ${sig(total)} GB/s over ${data.device.memory_banks} ${data.device.memory_kind} banks or channels; the design's buffers are placed to reach ${sig(bw)} GB/s`));
      root.appendChild(all);
      root.appendChild(svg("text", { x: X(s2) + 6, y: Y(total * s2) - 8, fill: "#555" }, `device total ${sig(total)} GB/s`));
    }
    if (d.peak_gops < roof * 0.999) {
      const design = svg("line", { class: "design-roof", x1: X(d.peak_gops / bw), y1: Y(d.peak_gops), x2: X(x1), y2: Y(d.peak_gops), stroke: "#777", "stroke-dasharray": "5 3" });
      design.appendChild(svg("title", {}, `this engine's peak: ${sig(d.peak_gops)} GOPS`));
      root.appendChild(design);
      root.appendChild(svg("text", { x: W - R - 4, y: Y(d.peak_gops) + 14, "text-anchor": "end", fill: "#555" }, `engine peak ${sig(d.peak_gops)} GOPS`));
    }
    for (const p of pts) {
      const color = p.l.bound === "memory" ? "#ff7f0e" : "#1f77b4";
      const c = svg("circle", { class: "layer-point " + p.l.bound, "data-layer": p.l.name, cx: X(p.x), cy: Y(p.y), r: 4.5, fill: color, stroke: "white", "stroke-width": 0.7 });
      c.appendChild(svg("title", {}, `${p.l.name} (${p.l.kind}): ${sig(p.x)} op/byte, ${sig(p.y)} GOPS, ${sig(p.l.ms)} ms, ${p.l.bound}-bound; memory time at ${sig(p.l.bytes / (p.l.memory_ms * 1e6))} GB/s effective`));
      root.appendChild(c);
    }
    const lg = [["#1f77b4", "compute-bound layer"], ["#ff7f0e", "memory-bound layer"]];
    lg.forEach(([color, text], i) => {
      root.appendChild(svg("circle", { cx: L + 16, cy: T + 12 + 16 * i, r: 4.5, fill: color }));
      root.appendChild(svg("text", { x: L + 26, y: T + 16 + 16 * i }, text));
    });
    const skipped = d.layers.length - layers.length;
    if (skipped > 0) root.appendChild(svg("text", { x: L + 10, y: T + 50, fill: "#555" }, `${skipped} layers without MACs (vector unit) not shown`));
    return root;
  }

  // ---- per-layer breakdown: compute and memory time per layer, the layer's time as a tick ----
  function breakdown(d) {
    const rowH = 16, L = 170, barW = 460, W = L + barW + 90, T = 28;
    const H = T + rowH * d.layers.length + 10;
    const root = svg("svg", { id: "breakdown-svg", width: W, height: H, viewBox: `0 0 ${W} ${H}`, "font-size": 11, "data-rank": d.rank });
    root.appendChild(svg("rect", { width: W, height: H, fill: "white" }));
    const max = Math.max(1e-9, ...d.layers.map(l => Math.max(l.ms, l.compute_ms, l.memory_ms)));
    const X = v => L + v / max * barW;
    root.appendChild(svg("rect", { x: L, y: 6, width: 10, height: 8, fill: "#1f77b4" }));
    root.appendChild(svg("text", { x: L + 14, y: 14 }, "compute"));
    root.appendChild(svg("rect", { x: L + 80, y: 6, width: 10, height: 8, fill: "#ff7f0e" }));
    root.appendChild(svg("text", { x: L + 94, y: 14 }, "memory"));
    root.appendChild(svg("text", { x: L + 160, y: 14 }, `| layer time; total ${fmt(d.latency_ms, 2)} ms, axis to ${sig(max)} ms`));
    d.layers.forEach((l, i) => {
      const y = T + i * rowH;
      const g = svg("g", { class: "layer-row " + l.bound, "data-layer": l.name });
      g.appendChild(svg("title", {}, `${l.name} (${l.kind}): ${sig(l.ms)} ms; compute ${sig(l.compute_ms)} ms, memory ${sig(l.memory_ms)} ms, ${l.bound}-bound; ${sig(l.bytes / 1e6)} MB moved (${sig(l.bytes / (l.memory_ms * 1e6))} GB/s effective), ${sig(l.ops / 1e9)} GOP`));
      const name = l.name.length > 24 ? l.name.slice(0, 23) + "\u2026" : l.name;
      g.appendChild(svg("text", { x: L - 6, y: y + 11, "text-anchor": "end" }, name));
      g.appendChild(svg("rect", { class: "compute", x: L, y: y + 2, width: Math.max(0.5, X(l.compute_ms) - L), height: 6, fill: "#1f77b4" }));
      g.appendChild(svg("rect", { class: "memory", x: L, y: y + 8, width: Math.max(0.5, X(l.memory_ms) - L), height: 6, fill: "#ff7f0e" }));
      g.appendChild(svg("line", { class: "total", x1: X(l.ms), y1: y + 1, x2: X(l.ms), y2: y + 15, stroke: "black", "stroke-width": 1.5 }));
      g.appendChild(svg("text", { x: X(l.ms) + 5, y: y + 11, fill: "#333" }, sig(l.ms) + " ms"));
      root.appendChild(g);
    });
    return root;
  }

  // ---- resources against the device ----
  function resourceBars(d) {
    const rowH = 30, L = 90, barW = 300, W = L + barW + 230, T = 10;
    const H = T + rowH * resources.length + 10;
    const root = svg("svg", { id: "resources-svg", width: W, height: H, viewBox: `0 0 ${W} ${H}`, "font-size": 12, "data-rank": d.rank });
    root.appendChild(svg("defs", {})).appendChild(svg("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }))
      .appendChild(svg("rect", { width: 3, height: 6, fill: "rgba(0,0,0,0.35)" }));
    resources.forEach((r, i) => {
      const y = T + i * rowH, used = d.resources[i] / r.count, platform = r.platform / r.count;
      const g = svg("g", { class: "resource-bar", "data-resource": r.name, "data-used": used });
      g.appendChild(svg("title", {}, `${r.name}: ${fmt(d.resources[i], 0)} of ${fmt(r.count, 0)} (${pct(used)}), the platform ${fmt(r.platform, 0)}`));
      g.appendChild(svg("text", { x: L - 8, y: y + 15, "text-anchor": "end" }, r.name));
      g.appendChild(svg("rect", { x: L, y: y + 4, width: barW, height: 16, fill: "#f2f2f2", stroke: "#ccc" }));
      g.appendChild(svg("rect", { class: "used", x: L, y: y + 4, width: Math.min(1, used) * barW, height: 16, fill: d.binding === r.name ? "#d62728" : kindColor(d.kernel) }));
      g.appendChild(svg("rect", { x: L, y: y + 4, width: Math.min(1, platform) * barW, height: 16, fill: "url(#hatch)" }));
      g.appendChild(svg("text", { x: L + barW + 8, y: y + 15 }, `${pct(used)} (${fmt(d.resources[i], 0)} of ${fmt(r.count, 0)})`));
      root.appendChild(g);
    });
    const xl = L + data.max_util * barW;
    root.appendChild(svg("line", { class: "max-util", x1: xl, y1: T, x2: xl, y2: H - 6, stroke: "#c00", "stroke-dasharray": "3 2" }))
      .appendChild(svg("title", {}, `--max-util ${data.max_util}`));
    return root;
  }

  // ---- the Pareto plots: ring the selected design ----
  function markPareto(d) {
    for (const plot of document.querySelectorAll("svg.pareto-plot")) {
      for (const old of plot.querySelectorAll(".selected-marker")) old.remove();
      const [left, top, right, bottom] = plot.dataset.box.split(",").map(Number);
      const xMax = Number(plot.dataset.xMax), yMax = Number(plot.dataset.yMax);
      const x = d.pareto_x[plot.dataset.axis];
      if (x === undefined) continue;
      plot.appendChild(svg("circle", { class: "selected-marker", "data-rank": d.rank, cx: left + x / xMax * (right - left), cy: bottom - d.images_per_s / yMax * (bottom - top),
        r: 11, fill: "none", stroke: "#c0c", "stroke-width": 2.5, "pointer-events": "none" }));
    }
  }

  function select(rank) {
    const d = byRank.get(rank);
    if (!d) return false;
    selected = rank;
    for (const tr of document.querySelectorAll("#designs tbody tr")) tr.classList.toggle("selected", Number(tr.dataset.rank) === rank);
    document.getElementById("selected-title").textContent = `#${d.rank}: ${d.kernel} ${d.params} ${d.precision}`;
    document.getElementById("selected-summary").textContent = d.summary;
    document.getElementById("roofline").replaceChildren(roofline(d));
    document.getElementById("breakdown").replaceChildren(breakdown(d));
    document.getElementById("resources").replaceChildren(resourceBars(d));
    markPareto(d);
    document.documentElement.dataset.selected = String(rank);
    return true;
  }

  for (const point of document.querySelectorAll("svg.pareto-plot g.point")) {
    point.addEventListener("click", () => {
      const rank = Number(point.dataset.rank);
      if (!select(rank)) document.getElementById("table-note").textContent =
        `design #${rank} is not among the designs listed here; designs.csv has every feasible design`;
    });
  }

  buildHeader();
  buildBody();
  document.getElementById("table-note").textContent = data.designs.length === 0
    ? "no design fits"
    : `${data.designs.length} of ${fmt(data.feasible, 0)} feasible designs: the ${Math.min(data.top_designs, data.designs.length)} best and the best of each kernel and data type (designs.csv has all). Click a column to sort, a row to select.`;
  if (selected !== null) select(selected);
  window.fpgagenReport = { select, selected: () => selected, designs: () => data.designs.map(d => d.rank) };
  document.documentElement.dataset.ready = "true";
})();
