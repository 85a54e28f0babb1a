/*
 * toytrainer.js: trains the ReLU-output toy model of "Toy Models of Superposition"
 * (Elhage et al. 2022) in plain JavaScript. No DOM, no dependencies; part of toymodels_lib.
 *
 * Same model and conventions as toymodels_lib (models.py, train.py, data.py, optim.py):
 *   h = W x, x' = ReLU(Wᵀ h + b), W is [m hidden, n features] (tied weights);
 *   loss L = mean over the batch of Σ_i I_i (x_i − x'_i)²  (sum over features);
 *   each feature is 0 with probability S = 1 − density, else uniform on [0, 1];
 *   W starts Xavier normal (std √(2 / (m + n))), b starts at 0;
 *   Adam (β 0.9 / 0.999, ε 1e-8), learning rate cosine-decayed to 0 over the steps;
 *   gradients are written out by hand (no autograd).
 * The random numbers are not Python's: the agreement with the library is statistical.
 *
 * In a browser it defines globalThis.ToyTrainer; under Node, module.exports as well.
 *
 *   ToyTrainer.train({n: 5, m: 2, density: 0.05, importanceDecay: 1, seeds: 4})
 *     -> {W: [[...n], ...m rows], b: [...n], loss, history, historySteps, seedLosses, ...}
 *
 * W[j][i] is hidden coordinate j of feature i (as W[k, j, i] in the library).
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module && module.exports) {
    module.exports = api;
  }
  if (root) {
    root.ToyTrainer = api;
  }
})(typeof globalThis !== "undefined" ? globalThis : typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var VERSION = "1.0.0";

  // Stream tags keep the random numbers of initialisation, data and evaluation apart.
  var INIT_STREAM = 0x1717;
  var DATA_STREAM = 0xda7a;
  var EVAL_STREAM = 0xe7a1;

  var DEFAULTS = {
    n: 5,
    m: 2,
    density: 1,
    importanceDecay: 1,
    steps: 2000,
    batch: 256,
    lr: 1e-2,
    seed: 0,
    seeds: 1,
    logEvery: 50,
    evalSamples: 32768,
    evalSeed: 0,
    kernel: "auto"
  };

  // ------------------------------------------------------------------ random numbers

  // 32-bit finaliser (xor-shift-multiply): spreads every input bit over the output.
  function mix32(z) {
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  // A 32-bit seed from a list of non-negative integers (order matters).
  function hashWords(words) {
    var h = 0x6a09e667;
    for (var k = 0; k < words.length; k++) {
      h = mix32((h ^ mix32((words[k] >>> 0) + 0x9e3779b9 * (k + 1))) >>> 0);
    }
    return h;
  }

  /*
   * xoshiro128** (Blackman and Vigna), state seeded by a Weyl sequence through mix32.
   * Returns a function giving uniform numbers in [0, 1) with 32 random bits;
   * rng.normal() gives standard normal numbers (Box–Muller).
   */
  function makeRng(seed) {
    var w = seed >>> 0;
    function next() {
      w = (w + 0x9e3779b9) >>> 0;
      return mix32(w);
    }
    var s0 = next(), s1 = next(), s2 = next(), s3 = next();
    if ((s0 | s1 | s2 | s3) === 0) {
      s0 = 1;
    }
    function uniform() {
      var r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9);
      var t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      return (r >>> 0) * 2.3283064365386963e-10; // 2^-32
    }
    var spare = 0, hasSpare = false;
    uniform.normal = function () {
      if (hasSpare) {
        hasSpare = false;
        return spare;
      }
      var u = 0;
      while (u === 0) {
        u = uniform();
      }
      var v = uniform();
      var r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      hasSpare = true;
      return r * Math.cos(2 * Math.PI * v);
    };
    return uniform;
  }

  // ------------------------------------------------------------------ checks

  function fail(kind, message) {
    var err = kind === "type" ? new TypeError(message) : new RangeError(message);
    throw err;
  }

  function checkInt(name, value, lo, hi) {
    if (typeof value !== "number" || !isFinite(value) || Math.floor(value) !== value) {
      fail("type", name + " must be an integer in [" + lo + ", " + hi + "], got " + String(value));
    }
    if (value < lo || value > hi) {
      fail("range", name + " must be an integer in [" + lo + ", " + hi + "], got " + value);
    }
    return value;
  }

  function checkNumber(name, value, lo, hi, loOpen) {
    if (typeof value !== "number" || !isFinite(value)) {
      fail("type", name + " must be a finite number, got " + String(value));
    }
    if (value < lo || (loOpen && value === lo) || value > hi) {
      fail("range", name + " must be in " + (loOpen ? "(" : "[") + lo + ", " + hi + "], got " + value);
    }
    return value;
  }

  function importanceDecay(n, decay) {
    checkInt("n", n, 1, 4096);
    checkNumber("importanceDecay", decay, 0, 1e6, true);
    var out = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      out[i] = Math.pow(decay, i);
    }
    return out;
  }

  // Fill in the defaults and check every field; returns a new plain object.
  function normalise(cfg) {
    cfg = cfg || {};
    if (typeof cfg !== "object") {
      fail("type", "the configuration must be an object, got " + typeof cfg);
    }
    var c = {};
    for (var key in DEFAULTS) {
      if (Object.prototype.hasOwnProperty.call(DEFAULTS, key)) {
        c[key] = cfg[key] === undefined ? DEFAULTS[key] : cfg[key];
      }
    }
    checkInt("n", c.n, 1, 4096);
    checkInt("m", c.m, 1, c.n);
    checkNumber("density", c.density, 0, 1, true);
    checkInt("steps", c.steps, 1, 1e9);
    checkInt("batch", c.batch, 1, 1e7);
    checkNumber("lr", c.lr, 0, 1e3, true);
    checkInt("seed", c.seed, 0, 4294967295);
    checkInt("seeds", c.seeds, 1, 1000);
    checkInt("logEvery", c.logEvery, 1, 1e9);
    checkInt("evalSamples", c.evalSamples, 1, 1e9);
    checkInt("evalSeed", c.evalSeed, 0, 4294967295);
    if (c.kernel !== "auto" && c.kernel !== "generic") {
      fail("range", 'kernel must be "auto" (a faster loop for m = 2) or "generic", got ' + String(c.kernel));
    }
    if (cfg.importance !== undefined) {
      var imp = cfg.importance;
      if (imp === null || typeof imp.length !== "number" || imp.length !== c.n) {
        fail("type", "importance must be an array of n = " + c.n + " numbers, got " + String(imp));
      }
      c.importance = new Float64Array(c.n);
      for (var i = 0; i < c.n; i++) {
        c.importance[i] = checkNumber("importance[" + i + "]", imp[i], 0, Infinity, false);
      }
    } else {
      c.importance = importanceDecay(c.n, c.importanceDecay);
    }
    return c;
  }

  // ------------------------------------------------------------------ one model

  /*
   * One model being trained: call run(k) to take up to k more steps (so a page can train
   * in slices between frames), then result(). Parameters live in one flat Float64Array:
   * W row-major [m, n] first, then b [n]; the optimiser works on the whole buffer.
   */
  function createTrainer(cfgIn, index) {
    var c = normalise(cfgIn);
    var k = index === undefined ? 0 : checkInt("index", index, 0, 1e6);
    var n = c.n, m = c.m, mn = m * n, size = mn + n;
    var P = new Float64Array(size);
    var G = new Float64Array(size);
    var M1 = new Float64Array(size);
    var M2 = new Float64Array(size);
    var imp = c.importance;
    var x = new Float64Array(n), h = new Float64Array(m), dz = new Float64Array(n), dh = new Float64Array(m);
    var sparsity = 1 - c.density, invDensity = 1 / c.density;
    var B = c.batch, steps = c.steps, lr = c.lr;
    var beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    var initRng = makeRng(hashWords([INIT_STREAM, c.seed, k]));
    var dataRng = makeRng(hashWords([DATA_STREAM, c.seed, k]));
    var std = Math.sqrt(2 / (m + n));
    for (var q = 0; q < mn; q++) {
      P[q] = initRng.normal() * std;
    }
    var t = 0;
    var history = [], historySteps = [];

    // One Adam step on a fresh batch; returns the batch's loss before the update.
    function stepGeneric() {
      var i, j, z, d, g, w, xi;
      var scale = 2 / B, loss = 0;
      G.fill(0);
      for (var s = 0; s < B; s++) {
        // sparse uniform features, one draw each: x = max(0, (u − S) / (1 − S)),
        // and h = W x over the active features only
        for (j = 0; j < m; j++) {
          h[j] = 0;
          dh[j] = 0;
        }
        for (i = 0; i < n; i++) {
          z = (dataRng() - sparsity) * invDensity;
          if (z > 0) {
            x[i] = z;
            for (j = 0; j < m; j++) {
              h[j] += P[j * n + i] * z;
            }
          } else {
            x[i] = 0;
          }
        }
        // z = Wᵀ h + b, y = ReLU(z); dz = (2/B) I (y − x) where z > 0; dh = W dz
        for (i = 0; i < n; i++) {
          z = P[mn + i];
          for (j = 0; j < m; j++) {
            z += P[j * n + i] * h[j];
          }
          xi = x[i];
          if (z > 0) {
            d = z - xi;
            w = imp[i] * d;
            loss += w * d;
            g = scale * w;
            dz[i] = g;
            G[mn + i] += g;
            for (j = 0; j < m; j++) {
              dh[j] += P[j * n + i] * g;
            }
          } else {
            loss += imp[i] * xi * xi;
            dz[i] = 0;
          }
        }
        // dW = h dzᵀ + dh xᵀ (nothing to add for a feature with x = 0 and dz = 0)
        for (i = 0; i < n; i++) {
          g = dz[i];
          xi = x[i];
          if (g !== 0 || xi !== 0) {
            for (j = 0; j < m; j++) {
              G[j * n + i] += h[j] * g + dh[j] * xi;
            }
          }
        }
      }
      return adam(loss / B);
    }

    // Adam with the gradient in G; returns the loss it is given.
    function adam(loss) {
      var q, g;
      // Adam with the cosine schedule of toymodels_lib.train.lr_factor (0-based step t)
      var lrT = lr * 0.5 * (1 + Math.cos(Math.PI * t / steps));
      t += 1;
      var bc1 = 1 - Math.pow(beta1, t);
      var bc2 = Math.sqrt(1 - Math.pow(beta2, t));
      var stepSize = lrT / bc1;
      for (q = 0; q < size; q++) {
        g = G[q];
        M1[q] = beta1 * M1[q] + (1 - beta1) * g;
        M2[q] = beta2 * M2[q] + (1 - beta2) * g * g;
        P[q] -= stepSize * M1[q] / (Math.sqrt(M2[q]) / bc2 + eps);
      }
      return loss;
    }

    // The same step for m = 2 (the explorer's case), with the two hidden coordinates in
    // locals: about twice as fast. The arithmetic is done in the same order, so both give
    // the same numbers (config.kernel = "generic" forces the general loop).
    function stepTwo() {
      var i, z, d, g, w, xi, a, c2, s;
      var scale = 2 / B, loss = 0;
      G.fill(0);
      for (s = 0; s < B; s++) {
        var h0 = 0, h1 = 0;
        for (i = 0; i < n; i++) {
          z = (dataRng() - sparsity) * invDensity;
          if (z > 0) {
            x[i] = z;
            h0 += P[i] * z;
            h1 += P[n + i] * z;
          } else {
            x[i] = 0;
          }
        }
        var dh0 = 0, dh1 = 0;
        for (i = 0; i < n; i++) {
          a = P[i];
          c2 = P[n + i];
          z = P[mn + i] + a * h0 + c2 * h1;
          xi = x[i];
          if (z > 0) {
            d = z - xi;
            w = imp[i] * d;
            loss += w * d;
            g = scale * w;
            dz[i] = g;
            G[mn + i] += g;
            dh0 += a * g;
            dh1 += c2 * g;
          } else {
            loss += imp[i] * xi * xi;
            dz[i] = 0;
          }
        }
        for (i = 0; i < n; i++) {
          g = dz[i];
          xi = x[i];
          G[i] += h0 * g + dh0 * xi;
          G[n + i] += h1 * g + dh1 * xi;
        }
      }
      return adam(loss / B);
    }

    var step = m === 2 && c.kernel === "auto" ? stepTwo : stepGeneric;

    function run(maxSteps) {
      var todo = Math.min(maxSteps === undefined ? steps : maxSteps, steps - t);
      for (var r = 0; r < todo; r++) {
        var at = t;
        var loss = step();
        if (at % c.logEvery === 0 || at === steps - 1) {
          if (!isFinite(loss)) {
            throw new RangeError("training diverged at step " + at + " (loss is not finite); try a smaller lr than " + lr);
          }
          historySteps.push(at);
          history.push(loss);
        }
      }
      return todo > 0 ? todo : 0;
    }

    return {
      config: c,
      index: k,
      params: P,
      run: run,
      get stepsDone() {
        return t;
      },
      get done() {
        return t >= steps;
      },
      weights: function () {
        return unflatten(P, m, n);
      },
      history: history,
      historySteps: historySteps
    };
  }

  function unflatten(P, m, n) {
    var W = [];
    for (var j = 0; j < m; j++) {
      var row = new Array(n);
      for (var i = 0; i < n; i++) {
        row[i] = P[j * n + i];
      }
      W.push(row);
    }
    var b = new Array(n);
    for (var i2 = 0; i2 < n; i2++) {
      b[i2] = P[m * n + i2];
    }
    return {W: W, b: b};
  }

  // Mean over `samples` fresh inputs of Σ_i I_i (x_i − x'_i)² for flat parameters P.
  function lossOf(P, c, samples, seed) {
    var n = c.n, m = c.m, mn = m * n, imp = c.importance;
    var rng = makeRng(hashWords([EVAL_STREAM, seed]));
    var sparsity = 1 - c.density, invDensity = 1 / c.density;
    var x = new Float64Array(n), h = new Float64Array(m);
    var total = 0, i, j, z, acc, d;
    for (var s = 0; s < samples; s++) {
      for (i = 0; i < n; i++) {
        z = (rng() - sparsity) * invDensity;
        x[i] = z > 0 ? z : 0;
      }
      for (j = 0; j < m; j++) {
        acc = 0;
        for (i = 0; i < n; i++) {
          acc += P[j * n + i] * x[i];
        }
        h[j] = acc;
      }
      for (i = 0; i < n; i++) {
        z = P[mn + i];
        for (j = 0; j < m; j++) {
          z += P[j * n + i] * h[j];
        }
        d = (z > 0 ? z : 0) - x[i];
        total += imp[i] * d * d;
      }
    }
    return total / samples;
  }

  /*
   * Loss of given weights on `samples` fresh inputs:
   * evaluateLoss({W, b, density, importanceDecay | importance, samples, seed}).
   */
  function evaluateLoss(opts) {
    if (!opts || !opts.W || !opts.b) {
      fail("type", "evaluateLoss needs {W: m rows of n numbers, b: n numbers, density, ...}");
    }
    var m = opts.W.length, n = opts.b.length;
    var c = normalise({
      n: n,
      m: m,
      density: opts.density,
      importanceDecay: opts.importanceDecay,
      importance: opts.importance
    });
    var P = new Float64Array(m * n + n);
    for (var j = 0; j < m; j++) {
      if (!opts.W[j] || opts.W[j].length !== n) {
        fail("range", "W must have m rows of n = " + n + " numbers");
      }
      for (var i = 0; i < n; i++) {
        P[j * n + i] = opts.W[j][i];
      }
    }
    for (var i2 = 0; i2 < n; i2++) {
      P[m * n + i2] = opts.b[i2];
    }
    var samples = checkInt("samples", opts.samples === undefined ? DEFAULTS.evalSamples : opts.samples, 1, 1e9);
    var seed = checkInt("seed", opts.seed === undefined ? DEFAULTS.evalSeed : opts.seed, 0, 4294967295);
    return lossOf(P, c, samples, seed);
  }

  function now() {
    return typeof performance !== "undefined" && performance.now ? performance.now() : Date.now();
  }

  /*
   * Best of `seeds` models, trained one after the other in slices: run(k) takes up to k
   * more steps (summed over the seeds) and returns how many it took; when done is true,
   * result() has the best model. Every seed is judged on the same evaluation batch
   * (evalSamples inputs of stream evalSeed), so their ranking is not blurred by noise.
   */
  function createBestTrainer(cfgIn) {
    var c = normalise(cfgIn);
    var trainers = [];
    for (var k = 0; k < c.seeds; k++) {
      trainers.push(createTrainer(c, k));
    }
    var losses = [];
    var current = 0;
    var ms = 0;
    var finished = null;
    var total = c.steps * c.seeds;

    function run(maxSteps) {
      var budget = maxSteps === undefined ? total : maxSteps;
      var took = 0;
      var t0 = now();
      while (took < budget && current < trainers.length) {
        var tr = trainers[current];
        took += tr.run(budget - took);
        if (tr.done) {
          losses.push(lossOf(tr.params, c, c.evalSamples, c.evalSeed));
          current += 1;
        }
      }
      ms += now() - t0;
      return took;
    }

    function result() {
      if (current < trainers.length) {
        throw new Error("training is not finished: " + stepsDone() + " of " + total + " steps done");
      }
      if (!finished) {
        var best = 0;
        for (var k = 1; k < losses.length; k++) {
          if (losses[k] < losses[best]) {
            best = k;
          }
        }
        var wb = trainers[best].weights();
        finished = {
          W: wb.W,
          b: wb.b,
          loss: losses[best],
          history: trainers[best].history.slice(),
          historySteps: trainers[best].historySteps.slice(),
          seedLosses: losses.slice(),
          bestSeed: best,
          n: c.n,
          m: c.m,
          density: c.density,
          importance: Array.prototype.slice.call(c.importance),
          steps: c.steps,
          batch: c.batch,
          seeds: c.seeds,
          ms: ms,
          msPerModel: ms / c.seeds
        };
      }
      return finished;
    }

    function stepsDone() {
      var s = 0;
      for (var k = 0; k < trainers.length; k++) {
        s += trainers[k].stepsDone;
      }
      return s;
    }

    return {
      config: c,
      run: run,
      result: result,
      totalSteps: total,
      get stepsDone() {
        return stepsDone();
      },
      get progress() {
        return stepsDone() / total;
      },
      get done() {
        return current >= trainers.length;
      }
    };
  }

  /*
   * Train to the end and return the best of cfg.seeds models (default 1):
   * {W, b, loss (on the evaluation batch), history, historySteps, seedLosses, bestSeed, ms, ...}.
   */
  function train(cfg) {
    var bt = createBestTrainer(cfg);
    bt.run();
    return bt.result();
  }

  return {
    VERSION: VERSION,
    DEFAULTS: DEFAULTS,
    makeRng: makeRng,
    hashWords: hashWords,
    importanceDecay: importanceDecay,
    normalise: normalise,
    createTrainer: createTrainer,
    createBestTrainer: createBestTrainer,
    evaluateLoss: evaluateLoss,
    train: train
  };
});
