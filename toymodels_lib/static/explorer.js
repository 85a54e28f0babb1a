/*
 * explorer.js: a live explorer of the ReLU-output toy model (m = 2 hidden dimensions),
 * trained in the reader's browser by toytrainer.js (load that first). Part of toymodels_lib;
 * toymodels_lib.widgets.browser_explorer embeds both files, with explorer.css, in a page.
 *
 *   ToyExplorer.mount(element, {n: 5, density: 0.05, decay: 1, seeds: 4,
 *                               steps: 2000, batch: 256, autorun: true});
 *
 * The controls are real <input type=range> and <button> elements with labels. Training
 * runs in slices of about 12 ms between timer callbacks, so the page stays responsive;
 * pressing Train again starts over with the current settings. The root element carries
 * data-state ("idle", "training", "done" or "error") and data-runs (finished runs).
 */
(function (root, factory) {
  "use strict";
  var api = factory(root);
  if (typeof module === "object" && module && module.exports) {
    module.exports = api;
  }
  if (root) {
    root.ToyExplorer = api;
  }
})(typeof globalThis !== "undefined" ? globalThis : typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  var VERSION = "1.0.0";
  var SVGNS = "http://www.w3.org/2000/svg";
  var DENSITIES = [0.01, 0.015, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1];
  var DEFAULTS = {
    n: 5,
    density: 0.05,
    decay: 1,
    seeds: 4,
    steps: 2000,
    batch: 256,
    seed: 0,
    autorun: true,
    title: "Train a toy model in your browser"
  };
  var N_MIN = 2, N_MAX = 8, M = 2;
  var SLICE_MS = 12;
  var counter = 0;

  function fmt(x, digits) {
    if (!isFinite(x)) {
      return String(x);
    }
    var s = Number(x).toPrecision(digits);
    if (s.indexOf("e") < 0 && s.indexOf(".") >= 0) {
      s = s.replace(/0+$/, "").replace(/\.$/, "");
    }
    return s;
  }

  function signed(x, decimals) {
    var s = x.toFixed(decimals);
    if (/^-0\.0*$/.test(s)) {
      s = s.slice(1);
    }
    return s.charAt(0) === "-" ? "\u2212" + s.slice(1) : s;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) {
      if (Object.prototype.hasOwnProperty.call(attrs, key)) {
        node.setAttribute(key, attrs[key]);
      }
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    for (var key in attrs || {}) {
      if (Object.prototype.hasOwnProperty.call(attrs, key)) {
        node.setAttribute(key, String(attrs[key]));
      }
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function now() {
    return typeof performance !== "undefined" && performance.now ? performance.now() : Date.now();
  }

  function options(opts) {
    var o = {};
    opts = opts || {};
    for (var key in DEFAULTS) {
      if (Object.prototype.hasOwnProperty.call(DEFAULTS, key)) {
        o[key] = opts[key] === undefined ? DEFAULTS[key] : opts[key];
      }
    }
    function bad(name, allowed) {
      throw new RangeError("ToyExplorer: " + name + " must be " + allowed + ", got " + String(o[name]));
    }
    if (!(o.n >= N_MIN && o.n <= N_MAX && Math.floor(o.n) === o.n)) {
      bad("n", "an integer in [" + N_MIN + ", " + N_MAX + "]");
    }
    if (!(o.density >= 0.01 && o.density <= 1)) {
      bad("density", "a number in [0.01, 1]");
    }
    if (!(o.decay >= 0.5 && o.decay <= 1)) {
      bad("decay", "a number in [0.5, 1]");
    }
    if (!(o.seeds >= 1 && o.seeds <= 16 && Math.floor(o.seeds) === o.seeds)) {
      bad("seeds", "an integer in [1, 16]");
    }
    if (!(o.steps >= 1 && Math.floor(o.steps) === o.steps)) {
      bad("steps", "a positive integer");
    }
    if (!(o.batch >= 1 && Math.floor(o.batch) === o.batch)) {
      bad("batch", "a positive integer");
    }
    return o;
  }

  function mount(target, opts) {
    if (!target || target.nodeType !== 1) {
      throw new TypeError("ToyExplorer.mount needs a DOM element, got " + String(target));
    }
    var Trainer = root && root.ToyTrainer;
    if (!Trainer) {
      throw new Error("ToyExplorer needs toytrainer.js (globalThis.ToyTrainer): load it first");
    }
    if (target.__toyExplorer) {
      return target.__toyExplorer;
    }
    var o = options(opts);
    counter += 1;
    var uid = (target.id || "tmx") + "-" + counter;

    var densities = DENSITIES.slice();
    if (densities.indexOf(o.density) < 0) {
      densities.push(o.density);
      densities.sort(function (a, b) {
        return a - b;
      });
    }

    // ------------------------------------------------------------ the controls
    var box = el("div", {"class": "tmx", role: "group", "aria-labelledby": uid + "-title"});
    box.appendChild(el("div", {"class": "tmx-title", id: uid + "-title"}, o.title));
    var controls = el("div", {"class": "tmx-controls"});
    box.appendChild(controls);

    function slider(name, labelText, attrs, show) {
      var field = el("div", {"class": "tmx-field"});
      var label = el("label", {"for": uid + "-" + name});
      label.appendChild(el("span", {}, labelText));
      var out = el("output", {"for": uid + "-" + name, "aria-hidden": "true"});
      label.appendChild(out);
      var input = el("input", {type: "range", id: uid + "-" + name, name: name});
      for (var key in attrs) {
        if (Object.prototype.hasOwnProperty.call(attrs, key)) {
          input.setAttribute(key, attrs[key]);
        }
      }
      field.appendChild(label);
      field.appendChild(input);
      controls.appendChild(field);
      function update() {
        var text = show(input.value);
        out.textContent = text;
        input.setAttribute("aria-valuetext", text);
      }
      input.addEventListener("input", update);
      input.addEventListener("change", update);
      return {input: input, update: update};
    }

    var density = slider(
      "density",
      "feature density 1 \u2212 S",
      {min: "0", max: String(densities.length - 1), step: "1", value: String(densities.indexOf(o.density))},
      function (v) {
        return fmt(densities[+v], 3);
      }
    );
    var decay = slider(
      "decay",
      "importance decay r",
      {min: "0.5", max: "1", step: "0.01", value: String(o.decay)},
      function (v) {
        return (+v).toFixed(2);
      }
    );
    var nFeat = slider(
      "n",
      "features n (m = 2)",
      {min: String(N_MIN), max: String(N_MAX), step: "1", value: String(o.n)},
      function (v) {
        return String(+v);
      }
    );
    [density, decay, nFeat].forEach(function (s) {
      s.update();
      s.input.addEventListener("input", markStale);
    });

    var actions = el("div", {"class": "tmx-actions"});
    var button = el("button", {type: "button", "class": "tmx-train"}, "Train");
    var progressLabel = el("label", {"for": uid + "-progress", "class": "tmx-progress-label"}, "progress");
    var progress = el("progress", {id: uid + "-progress", max: "1", value: "0"});
    var status = el("span", {"class": "tmx-status", role: "status", "aria-live": "polite"});
    actions.appendChild(button);
    actions.appendChild(progressLabel);
    actions.appendChild(progress);
    actions.appendChild(status);
    box.appendChild(actions);

    // ------------------------------------------------------------ the picture and the table
    var body = el("div", {"class": "tmx-body"});
    var figure = el("figure", {"class": "tmx-figure", "aria-busy": "false"});
    var svg = svgEl("svg", {
      viewBox: "0 0 300 300",
      width: "300",
      height: "300",
      role: "img",
      "aria-labelledby": uid + "-svgtitle",
      focusable: "false"
    });
    var svgTitle = svgEl("title", {id: uid + "-svgtitle"}, "Feature directions: not trained yet");
    svg.appendChild(svgTitle);
    var plot = svgEl("g", {"class": "tmx-plot"});
    svg.appendChild(plot);
    figure.appendChild(svg);
    body.appendChild(figure);
    var tableWrap = el("div", {"class": "tmx-table-wrap"});
    body.appendChild(tableWrap);
    box.appendChild(body);

    var lossLine = el("div", {"class": "tmx-loss", "aria-live": "polite"}, "loss: \u2014");
    var note = el(
      "div",
      {"class": "tmx-note"},
      "Best of " + o.seeds + " seed" + (o.seeds === 1 ? "" : "s") + ", trained in your browser: " +
        o.steps + " Adam steps of " + o.batch + " samples each (learning rate 0.01, cosine decay). " +
        "Feature i has importance I\u1d62 = r\u2071. Each spoke is a feature\u2019s direction W\u1d62 in " +
        "the 2-D hidden space; the dashed circle has radius 1."
    );
    box.appendChild(lossLine);
    box.appendChild(note);

    target.textContent = "";
    target.appendChild(box);
    target.setAttribute("data-state", "idle");
    target.setAttribute("data-runs", "0");

    var token = 0;
    var trained = null; // settings of the picture shown
    var doneText = "";

    function settings() {
      var n = +nFeat.input.value;
      return {
        n: n,
        m: M,
        density: densities[+density.input.value],
        importanceDecay: +(+decay.input.value).toFixed(2),
        steps: o.steps,
        batch: o.batch,
        seed: o.seed,
        seeds: o.seeds
      };
    }

    function sameSettings(a, b) {
      return a && b && a.n === b.n && a.density === b.density && a.importanceDecay === b.importanceDecay;
    }

    function markStale() {
      if (trained && target.getAttribute("data-state") !== "training") {
        status.textContent = sameSettings(trained, settings())
          ? doneText
          : "Settings changed: press Train to train with them.";
      }
    }

    function drawEmpty(message) {
      plot.textContent = "";
      plot.appendChild(svgEl("circle", {"class": "tmx-ring", cx: 150, cy: 150, r: 100}));
      plot.appendChild(svgEl("text", {"class": "tmx-empty", x: 150, y: 155, "text-anchor": "middle"}, message));
    }

    function draw(res) {
      var n = res.n, i;
      var norms = [], maxNorm = 1;
      for (i = 0; i < n; i++) {
        norms.push(Math.sqrt(res.W[0][i] * res.W[0][i] + res.W[1][i] * res.W[1][i]));
        maxNorm = Math.max(maxNorm, norms[i]);
      }
      // 1.22 × the largest norm fits the half-width (150 px) with room for the labels
      var R = 150 / (1.22 * maxNorm) - 6;
      var c = 150;
      plot.textContent = "";
      plot.appendChild(svgEl("line", {"class": "tmx-axis", x1: 4, y1: c, x2: 296, y2: c}));
      plot.appendChild(svgEl("line", {"class": "tmx-axis", x1: c, y1: 4, x2: c, y2: 296}));
      plot.appendChild(svgEl("circle", {"class": "tmx-ring", cx: c, cy: c, r: R.toFixed(2)}));
      var described = [];
      for (i = 0; i < n; i++) {
        var wx = res.W[0][i], wy = res.W[1][i];
        var x = c + R * wx, y = c - R * wy;
        var g = svgEl("g", {"class": "tmx-feature", "data-feature": i, "data-wx": wx, "data-wy": wy});
        g.appendChild(svgEl("line", {
          "class": "tmx-spoke tmx-f" + i,
          x1: c,
          y1: c,
          x2: x.toFixed(2),
          y2: y.toFixed(2)
        }));
        g.appendChild(svgEl("circle", {"class": "tmx-f" + i, cx: x.toFixed(2), cy: y.toFixed(2), r: 4}));
        if (norms[i] > 0.1) {
          var lx = x + 14 * wx / norms[i], ly = y - 14 * wy / norms[i];
          g.appendChild(svgEl("text", {
            "class": "tmx-label tmx-f" + i,
            x: lx.toFixed(2),
            y: (ly + 4.5).toFixed(2),
            "text-anchor": "middle"
          }, String(i)));
          var deg = Math.round(Math.atan2(wy, wx) * 180 / Math.PI);
          described.push("feature " + i + " at " + deg + "\u00b0, length " + norms[i].toFixed(2));
        }
        plot.appendChild(g);
      }
      svgTitle.textContent = "Feature directions of the trained model (n = " + n + ", 1 \u2212 S = " +
        fmt(res.density, 3) + "): " + (described.length ? described.join("; ") : "no feature represented") + ".";
      table(res, norms);
    }

    function table(res, norms) {
      var t = el("table", {"class": "tmx-table"});
      t.appendChild(el("caption", {}, "Per feature: importance, length \u2016W\u1d62\u2016 and bias b\u1d62"));
      var head = el("tr");
      ["feature", "I\u1d62", "\u2016W\u1d62\u2016", "b\u1d62"].forEach(function (h) {
        head.appendChild(el("th", {scope: "col"}, h));
      });
      var thead = el("thead");
      thead.appendChild(head);
      t.appendChild(thead);
      var tbody = el("tbody");
      for (var i = 0; i < res.n; i++) {
        var tr = el("tr");
        var name = el("th", {scope: "row"});
        name.appendChild(el("span", {"class": "tmx-swatch tmx-f" + i, "aria-hidden": "true"}));
        name.appendChild(el("span", {"class": "tmx-f" + i}, String(i)));
        tr.appendChild(name);
        tr.appendChild(el("td", {}, fmt(res.importance[i], 3)));
        tr.appendChild(el("td", {"class": "tmx-norm"}, norms[i].toFixed(2)));
        tr.appendChild(el("td", {"class": "tmx-bias"}, signed(res.b[i], 3)));
        tbody.appendChild(tr);
      }
      t.appendChild(tbody);
      tableWrap.textContent = "";
      tableWrap.appendChild(t);
    }

    function finish(res, cfg) {
      trained = cfg;
      draw(res);
      figure.setAttribute("aria-busy", "false");
      progress.value = 1;
      lossLine.textContent = "loss L = " + fmt(res.loss, 4) + " (n = " + res.n + ", 1 \u2212 S = " +
        fmt(res.density, 3) + ", r = " + cfg.importanceDecay.toFixed(2) + ")";
      doneText = "Done: best of " + res.seeds + " seed" + (res.seeds === 1 ? "" : "s") +
        ", trained in your browser in " + (res.ms / 1000).toFixed(1) + " s.";
      status.textContent = doneText +
        (sameSettings(cfg, settings()) ? "" : " The settings changed meanwhile: press Train to use them.");
      target.setAttribute("data-runs", String(+target.getAttribute("data-runs") + 1));
      target.setAttribute("data-state", "done");
      controller.result = res;
    }

    function fail(err) {
      figure.setAttribute("aria-busy", "false");
      status.textContent = "Training failed: " + (err && err.message ? err.message : String(err));
      target.setAttribute("data-state", "error");
    }

    function train() {
      token += 1;
      var mine = token;
      var cfg = settings();
      var bt;
      try {
        bt = Trainer.createBestTrainer(cfg);
      } catch (err) {
        fail(err);
        return;
      }
      target.setAttribute("data-state", "training");
      figure.setAttribute("aria-busy", "true");
      progress.value = 0;
      status.textContent = "Training " + cfg.seeds + " model" + (cfg.seeds === 1 ? "" : "s") + "\u2026";
      // steps per slice: about 20k samples, so a slice takes a few milliseconds
      var chunk = Math.max(1, Math.floor(20000 / (cfg.batch * Math.max(1, cfg.n / 5))));
      function slice() {
        if (mine !== token) {
          return; // a newer run replaced this one
        }
        try {
          var t0 = now();
          do {
            bt.run(chunk);
          } while (!bt.done && now() - t0 < SLICE_MS);
          progress.value = bt.progress;
          if (bt.done) {
            finish(bt.result(), cfg);
          } else {
            setTimeout(slice, 0);
          }
        } catch (err) {
          fail(err);
        }
      }
      setTimeout(slice, 0);
    }

    button.addEventListener("click", train);
    drawEmpty(o.autorun ? "training\u2026" : "press Train");

    var controller = {
      element: target,
      train: train,
      settings: settings,
      result: null,
      version: VERSION
    };
    target.__toyExplorer = controller;

    if (o.autorun) {
      // train when the widget first comes into view (at once where that cannot be observed)
      if (typeof IntersectionObserver === "function") {
        var seen = new IntersectionObserver(function (entries) {
          for (var k = 0; k < entries.length; k++) {
            if (entries[k].isIntersecting) {
              seen.disconnect();
              if (target.getAttribute("data-state") === "idle") {
                train();
              }
              return;
            }
          }
        });
        seen.observe(target);
      } else {
        train();
      }
    }
    return controller;
  }

  return {VERSION: VERSION, DENSITIES: DENSITIES, DEFAULTS: DEFAULTS, mount: mount};
});
