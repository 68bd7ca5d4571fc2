/* swl-viz: the simplex page's live controls.
 *
 * The page first shows the figure Python drew. When a control moves (the label t on two sliders
 * with t2 = 1 - t0 - t1, the temperature on a log scale, label smoothing, the loss, gamma and
 * the book's variant), the page computes the layer itself with window.swlViz.loss (live.js, the
 * exact maths of swl_viz.maths) at the very points Python used, and redraws both panels: the
 * loss over the triangle and the plane on one colour axis, the arrows -grad L on the triangle,
 * the target t', the descent path and the probe. A click on either panel probes both. The state
 * lives in the URL's fragment (#t=0.2,0.5,0.3&T=1.5&eps=0&loss=ce&gamma=2&variant=exact), so a
 * link restores the view. No dependencies but plotly and live.js.
 */
(function () {
  "use strict";

  var S = { page: null, ready: null };

  function el(id) { return document.getElementById(id); }

  function copy(s) {
    return { t: s.t.slice(), T: s.T, eps: s.eps, loss: s.loss, gamma: s.gamma, variant: s.variant,
             probe: s.probe ? s.probe.slice() : null };
  }

  function same(a, b) {
    var probe = (a.probe === null) === (b.probe === null) &&
      (a.probe === null || a.probe.every(function (v, k) { return v === b.probe[k]; }));
    return a.T === b.T && a.eps === b.eps && a.loss === b.loss && a.gamma === b.gamma &&
      a.variant === b.variant && a.t.every(function (v, k) { return v === b.t[k]; }) && probe;
  }

  function opts(s) {
    return { temperature: s.T, labelSmoothing: s.eps, variant: s.variant, loss: s.loss,
             gamma: s.loss === "focal" ? s.gamma : 2 };
  }

  function target(s) {
    return s.t.map(function (v) { return s.eps ? (1 - s.eps) * v + s.eps / 3 : v; });
  }

  function zmap(cfg, L) {
    return cfg.zscale === "log" ? Math.log10(Math.max(L, 5e-324)) : L;
  }

  function picture(y, h) { return [y[1] + y[2] / 2, y[2] * h]; }

  /* The loss where softmax(x / T) = y: at x = (0, T (log y1 - log y0), T (log y2 - log y0)),
     as swl_viz.simplex does. */
  function atY(s, y) {
    var l0 = Math.log(y[0]);
    return window.swlViz.loss([0, s.T * (Math.log(y[1]) - l0), s.T * (Math.log(y[2]) - l0)],
                              s.t, opts(s));
  }

  function triangle(cfg, s, xs, ys) {
    var h = cfg.height, z = [], lo = Infinity, hi = -Infinity;
    for (var r = 0; r < ys.length; r++) {
      var row = [];
      for (var c = 0; c < xs.length; c++) {
        var y2 = ys[r] / h, y1 = xs[c] - y2 / 2, y0 = 1.0 - y1 - y2;
        if (!(y0 > 1e-9 && y1 > 1e-9 && y2 > 1e-9)) { row.push(null); continue; }
        var v = zmap(cfg, atY(s, [y0, y1, y2]).L);
        row.push(v);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      z.push(row);
    }
    return { z: z, lo: lo, hi: hi };
  }

  function plane(cfg, s, us, vs) {
    var z = [], lo = Infinity, hi = -Infinity, o = opts(s);
    for (var r = 0; r < vs.length; r++) {
      var row = [];
      for (var c = 0; c < us.length; c++) {
        var v = zmap(cfg, window.swlViz.loss([0, us[c], vs[r]], s.t, o).L);
        row.push(v);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      z.push(row);
    }
    return { z: z, lo: lo, hi: hi };
  }

  /* -grad L at the lattice (i, j, k) / n inside the triangle, as arrows in the picture, the
     longest REACH of the lattice's spacing. */
  function arrows(cfg, s) {
    var n = cfg.arrowDivisions, h = cfg.height, tails = [], vecs = [], longest = 0;
    for (var i = 1; i < n - 1; i++) {
      for (var j = 1; j < n - 1; j++) {
        if (i + j > n - 1) continue;
        var y = [i / n, j / n, (n - i - j) / n];
        var g = atY(s, y).grad, u = [-g[1] - g[2] / 2, -g[2] * h];
        tails.push(picture(y, h));
        vecs.push(u);
        longest = Math.max(longest, Math.hypot(u[0], u[1]));
      }
    }
    var scale = longest > 0 ? cfg.reach / n / longest : 0, x = [], yy = [], size = [];
    for (var k = 0; k < tails.length; k++) {
      var u2 = vecs[k];
      if (!(Math.hypot(u2[0], u2[1]) > 0)) continue;
      x.push(tails[k][0], tails[k][0] + u2[0] * scale, null);
      yy.push(tails[k][1], tails[k][1] + u2[1] * scale, null);
      size.push(0, 11, 0);
    }
    return { x: x, y: yy, size: size };
  }

  function descent(cfg, s) {
    if (!cfg.descent) return null;
    var x = cfg.descent.slice(), o = opts(s), rows = [], ys = [], losses = [];
    for (var k = 0; k <= cfg.steps; k++) {
      var res = window.swlViz.loss([0, x[1] - x[0], x[2] - x[0]], s.t, o);
      rows.push(x.slice());
      ys.push(window.swlViz.loss(x, s.t, o).y);
      losses.push(res.L);
      x = x.map(function (v, m) { return v - cfg.lr * res.grad[m]; });
      if (!x.every(isFinite)) break;
    }
    return { rows: rows, ys: ys, loss: losses };
  }

  function f4(v) { return Number(v).toPrecision(4); }
  function trim(v) {  // 4 significant figures, without the zeros after the point
    var text = f4(v);
    return text.indexOf(".") >= 0 && text.indexOf("e") < 0 ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  }
  function vec(a) { return "(" + a.map(f4).join(", ") + ")"; }
  function num(v) { return String(v); }

  function key(cfg, s) {
    var w = cfg.words, kind = s.loss === "ce" ? (s.variant === "book" ? "book" : "ce") : s.loss;
    var arrows = s.loss === "ce" ? (s.T === 1 ? w.arrowsCe : w.arrowsCeT) : w.arrowsAny;
    var parts = [w.label + " = (" + s.t.map(num).join(", ") + ")"];
    if (s.eps) parts.push("ε = " + num(s.eps));
    if (s.T !== 1) parts.push("T = " + num(s.T));
    if (s.variant === "book") parts.push(w.book);
    if (s.loss === "focal") parts.push("γ = " + num(s.gamma));
    var title = w.title === null ? "" : (w.title || w.titles[kind]);
    return title + "<br><sup>" + w.key.replace("{descent}", arrows).replace("{options}",
      parts.join(",\u00a0 ")) + "</sup>";
  }

  function probeText(cfg, s, a) {
    var res = window.swlViz.loss(a, s.t, opts(s)), w = cfg.words;
    return ["x = (" + a.map(trim).join(", ") + ")", "y = " + vec(res.y), w.target + " = " + vec(target(s)),
            "∇L = " + vec(res.grad), "L = " + f4(res.L)].join("<br>");
  }

  function levels(lo, hi, n) {
    if (!(hi > lo)) hi = lo + 1;
    return { start: lo, end: hi, size: (hi - lo) / n, coloring: "fill", showlines: true };
  }

  function draw(s) {
    var P = S.page, cfg = P.cfg, gd = P.gd, idx = P.idx;
    S.page.state = copy(s);
    writeHash(s);
    var initial = same(s, P.initial);
    var fig = JSON.parse(P.figureText), data = fig.data, layout = fig.layout;
    if (initial) return Plotly.react(gd, data, layout, P.plotConfig);
    var tri = triangle(cfg, s, P.square.x, P.square.y);
    var flat = plane(cfg, s, P.plane.x, P.plane.y);
    var lo = Math.min(tri.lo, flat.lo), hi = tri.hi;
    if (cfg.zlim) { lo = zmap(cfg, cfg.zlim[0]); hi = zmap(cfg, cfg.zlim[1]); }
    else if (cfg.zscale === "log") lo = Math.max(lo, hi - cfg.logDecades);
    var contours = levels(lo, hi, cfg.levels);
    data[idx.tri].z = tri.z;
    data[idx.tri].contours = contours;
    data[idx.plane].z = flat.z;
    data[idx.plane].contours = contours;
    data[idx.plane].hovertemplate = "x₁ − x₀ = %{x:.6~g}<br>x₂ − x₀ = %{y:.6~g}<br>L = %{z:.6~g}<extra></extra>";
    delete data[idx.plane].customdata;
    layout.coloraxis.cmin = contours.start;
    layout.coloraxis.cmax = contours.end;
    var ar = arrows(cfg, s);
    data[idx.arrows].x = ar.x;
    data[idx.arrows].y = ar.y;
    data[idx.arrows].marker.size = ar.size;
    var tp = target(s), h = cfg.height;
    (idx.lowest1 || []).forEach(function (n) { var p = picture(tp, h); data[n].x = [p[0]]; data[n].y = [p[1]]; });
    var inside = tp.every(function (v) { return v > 0; });
    (idx.lowest2 || []).forEach(function (n) {
      var u = s.T * Math.log(tp[1] / tp[0]), v = s.T * Math.log(tp[2] / tp[0]);
      var shown = inside && u >= cfg.range[0] && u <= cfg.range[1] && v >= cfg.range[0] && v <= cfg.range[1];
      data[n].x = shown ? [u] : [];
      data[n].y = shown ? [v] : [];
    });
    var path = descent(cfg, s);
    if (path) {
      var onTri = path.ys.map(function (y) { return picture(y, h); });
      var onPlane = path.rows.map(function (x) { return [x[1] - x[0], x[2] - x[0]]; });
      [[idx.path1, onTri], [idx.path2, onPlane]].forEach(function (pair) {
        if (pair[0] === undefined) return;
        data[pair[0]].x = pair[1].map(function (p) { return p[0]; });
        data[pair[0]].y = pair[1].map(function (p) { return p[1]; });
      });
      [[idx.start1, onTri[0]], [idx.start2, onPlane[0]], [idx.end1, onTri[onTri.length - 1]],
       [idx.end2, onPlane[onPlane.length - 1]]].forEach(function (pair) {
        if (pair[0] === undefined) return;
        data[pair[0]].x = [pair[1][0]];
        data[pair[0]].y = [pair[1][1]];
      });
    }
    (idx.probe1 || []).concat(idx.probe2 || []).forEach(function (n) { data[n].x = []; data[n].y = []; });
    // the labels Python placed say the state it drew: hidden while the page shows another
    cfg.notes.placed.forEach(function (n) { layout.annotations[n].visible = false; });
    layout.annotations[cfg.notes.planeHead].text = s.T === 1 ? cfg.words.planeHead1 : cfg.words.planeHeadT;
    layout.title.text = key(cfg, s);
    probeInto(s, data, layout);
    return Plotly.react(gd, data, layout, P.plotConfig);
  }

  /* The probe (given, or clicked) in both panels, and its numbers, from the page's maths: into
     the last two traces and the last note, which the figure keeps for it. */
  function probeInto(s, data, layout) {
    if (!s.probe) return;
    var P = S.page, n = data.length, note = layout.annotations.length - 1;
    var res = window.swlViz.loss(s.probe, s.t, opts(s));
    var tri = picture(res.y, P.cfg.height);
    data[n - 2].x = [tri[0]];
    data[n - 2].y = [tri[1]];
    data[n - 1].x = [s.probe[1] - s.probe[0]];
    data[n - 1].y = [s.probe[2] - s.probe[0]];
    layout.annotations[note].text = probeText(P.cfg, s, s.probe);
    layout.annotations[note].visible = true;
  }

  // ---- the state in the controls and in the URL --------------------------------------------

  function round(v, digits) { return Number(Number(v).toPrecision(digits)); }

  function readControls() {
    var s = copy(S.page.state);
    var t0 = Number(el("swl-t0").value), t1 = Number(el("swl-t1").value);
    if (t0 + t1 > 1) {  // the slider that moved keeps its value; the other makes room
      if (document.activeElement === el("swl-t1")) t0 = round(1 - t1, 12);
      else t1 = round(1 - t0, 12);
    }
    var t = [t0, t1, Math.max(0, round(1 - t0 - t1, 12))];
    if (t.some(function (v, k) { return v !== round(S.page.state.t[k], 2); })) s.t = t;
    var logT = Number(el("swl-temperature").value);
    if (logT !== round(Math.log10(S.page.state.T), 12)) s.T = round(Math.pow(10, logT), 4);
    s.eps = Number(el("swl-smoothing").value);
    s.loss = el("swl-loss").value;
    s.gamma = Number(el("swl-gamma").value);
    s.variant = s.loss === "ce" ? el("swl-variant").value : "exact";
    return s;
  }

  function syncControls(s) {
    el("swl-t0").value = s.t[0];
    el("swl-t1").value = s.t[1];
    el("swl-t0-value").textContent = num(s.t[0]);
    el("swl-t1-value").textContent = num(s.t[1]);
    el("swl-t2-value").textContent = num(s.t[2]);
    el("swl-temperature").value = Math.log10(s.T);
    el("swl-temperature-value").textContent = num(s.T);
    el("swl-smoothing").value = s.eps;
    el("swl-smoothing-value").textContent = num(s.eps);
    el("swl-loss").value = s.loss;
    el("swl-gamma").value = s.gamma;
    el("swl-gamma-value").textContent = num(s.gamma);
    el("swl-gamma").disabled = s.loss !== "focal";
    el("swl-variant").value = s.variant;
    el("swl-variant").disabled = s.loss !== "ce";
    for (var k = 0; k < 3; k++) {
      var box = el("swl-probe-x" + k), want = s.probe ? s.probe[k] : null;
      if (want === null) box.value = "";
      else if (Number(box.value) !== want || box.value === "") box.value = num(want);
    }
  }

  function encode(s) {
    var parts = ["t=" + s.t.map(num).join(","), "T=" + num(s.T), "eps=" + num(s.eps),
                 "loss=" + s.loss, "gamma=" + num(s.gamma), "variant=" + s.variant];
    if (s.probe) parts.push("probe=" + s.probe.map(num).join(","));
    return "#" + parts.join("&");
  }

  function decode(hash, base) {
    var s = copy(base);
    (hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("="), k = kv[0], v = decodeURIComponent(kv[1] || "");
      var nums = v.split(",").map(Number), ok = nums.every(isFinite);
      if (k === "t" && nums.length === 3 && ok && nums.every(function (x) { return x >= 0; }) &&
          Math.abs(nums[0] + nums[1] + nums[2] - 1) <= 1e-9) s.t = nums;
      else if (k === "T" && ok && nums[0] >= 1e-3 && nums[0] <= 1e3) s.T = nums[0];
      else if (k === "eps" && ok && nums[0] >= 0 && nums[0] <= 1) s.eps = nums[0];
      else if (k === "loss" && ["ce", "mse", "focal"].indexOf(v) >= 0) s.loss = v;
      else if (k === "gamma" && ok && nums[0] >= 0 && nums[0] <= 5) s.gamma = nums[0];
      else if (k === "variant" && (v === "exact" || v === "book")) s.variant = v;
      else if (k === "probe" && nums.length === 3 && ok) s.probe = nums;
    });
    if (s.loss !== "ce") s.variant = "exact";
    return s;
  }

  function writeHash(s) {
    var want = same(s, S.page.initial) ? "" : encode(s);
    if ((location.hash || "") !== want) {
      history.replaceState(null, "", want || location.pathname + location.search);
    }
  }

  var queued = null, busy = false;
  function request(s) {
    queued = s;
    if (busy) return;
    busy = true;
    S.ready = Promise.resolve().then(function loop() {
      if (queued === null) { busy = false; return null; }
      var next = queued;
      queued = null;
      return Promise.resolve(draw(next)).then(loop);
    });
  }

  function onClick(ev) {
    var p = ev.points && ev.points[0];
    if (!p || !p.data || (p.data.name !== "triangle" && p.data.name !== "plane")) return;
    var s = copy(S.page.state), T = s.T;
    if (p.data.name === "triangle") {
      var h = S.page.cfg.height, y2 = p.y / h, y1 = p.x - y2 / 2, y0 = 1 - y1 - y2;
      if (!(y0 > 0 && y1 > 0 && y2 > 0)) return;
      s.probe = [0, T * Math.log(y1 / y0), T * Math.log(y2 / y0)];
    } else {
      s.probe = [0, p.x, p.y];
    }
    request(s);
  }

  function traces(gd) {
    var idx = {};
    gd.data.forEach(function (t, n) {
      var side = t.xaxis === "x2" ? "2" : "1";
      if (t.name === "triangle") idx.tri = n;
      else if (t.name === "plane") idx.plane = n;
      else if (t.name === "arrows") idx.arrows = n;
      else if (t.name === "path") idx["path" + side] = n;
      else if (t.name === "path-start") idx["start" + side] = n;
      else if (t.name === "path-end") idx["end" + side] = n;
      else if (t.name === "lowest") (idx["lowest" + side] = idx["lowest" + side] || []).push(n);
      else if (t.name === "probe-point") (idx["probe" + side] = idx["probe" + side] || []).push(n);
    });
    return idx;
  }

  function start() {
    var cfg = JSON.parse(el("swl-viz-simplex-config").textContent);
    var figureText = el("swl-viz-simplex-figure").textContent;
    var gd = el(cfg.div), fig = JSON.parse(figureText);
    var initial = { t: cfg.t.slice(), T: cfg.temperature, eps: cfg.eps, loss: cfg.loss,
                    gamma: cfg.gamma, variant: cfg.variant, probe: cfg.probe ? cfg.probe.slice() : null };
    S.page = { cfg: cfg, gd: gd, figureText: figureText, initial: initial, state: copy(initial),
               plotConfig: { displaylogo: false, responsive: true } };
    S.ready = Plotly.newPlot(gd, fig.data, fig.layout, S.page.plotConfig).then(function () {
      var idx = traces(gd);
      S.page.idx = idx;
      S.page.square = { x: fig.data[idx.tri].x, y: fig.data[idx.tri].y };
      S.page.plane = { x: fig.data[idx.plane].x, y: fig.data[idx.plane].y };
      gd.on("plotly_click", onClick);
      var form = el("swl-viz-controls");
      var moved = function (e) {
        if (e.target && e.target.type === "number") return;  // a probe is placed on submit
        var s = readControls(); syncControls(s); request(s);
      };
      form.addEventListener("input", moved);
      form.addEventListener("change", moved);
      form.addEventListener("submit", function (e) {  // Place probe, or Enter in its boxes
        e.preventDefault();
        var a = [0, 1, 2].map(function (k) { return el("swl-probe-x" + k).value.trim(); });
        if (a.some(function (v) { return v === ""; })) return;
        var x = a.map(Number);
        if (!x.every(isFinite)) return;
        var s = readControls(); s.probe = x; syncControls(s); request(s);
      });
      el("swl-clear").addEventListener("click", function () {
        var s = copy(S.page.state); s.probe = null; syncControls(s); request(s);
      });
      el("swl-reset").addEventListener("click", function () {
        var s = copy(S.page.initial); syncControls(s); request(s);
      });
      window.addEventListener("hashchange", function () {
        var s = decode(location.hash, S.page.initial); syncControls(s); request(s);
      });
      var s = decode(location.hash, initial);
      syncControls(s);
      if (same(s, initial)) return null;
      request(s);
      return S.ready;
    });
    return S.ready;
  }

  window.swlVizSimplex = {
    start: start,
    ready: function () { return S.ready; },
    idle: function () { return !busy && queued === null; },
    state: function () { return S.page ? copy(S.page.state) : null; },
    set: function (changes) {
      var s = copy(S.page.state);
      Object.keys(changes).forEach(function (k) { s[k] = changes[k]; });
      syncControls(s);
      request(s);
      return S.ready;
    },
  };
})();
