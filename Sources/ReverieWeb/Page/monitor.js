// reverie monitor --web: the page. It receives one binary WebSocket message per
// frame from /stream (layout: LiveState.encodeFrame in Sources/ReverieWeb) and
// draws it. Names that come from the trace (model, populations, phases, metrics)
// are user data: they are only ever put on the page as text (textContent, or
// canvas fillText), never as HTML.
'use strict';
(() => {
  const RING = 1 << 18;            // raster events kept (the server sends at most 4000 per population per frame)
  const RASTER_SECONDS = 10;       // the raster scrolls: it shows the simulated time of the last 10 s of wall time
  const REDRAW_MS = 250;           // the page is updated at most 4 times a second (frames arrive at 10 per second)
  const $ = (id) => document.getElementById(id);
  const COLORS = ['#2454a6', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#4338ca'];
  const MARK_RGBA = { 1: [29, 35, 48], 2: [29, 35, 48], 3: [234, 88, 12] };  // spike, +1, −1

  let view = fresh();
  let paused = false;
  let dirty = false;                // something new to show (counters, and the charts unless paused)
  let stale = allStale();           // which charts have new data since they were drawn
  let scheduled = false;
  let lastDraw = -Infinity;
  let socket = null;

  function allStale() {
    return { raster: true, rates: true, metrics: true, weights: true };
  }

  function fresh() {
    return {
      run: null,
      frame: null,
      frames: 0,
      rates: null,                  // {origin, width, counts[bin × populations + p]}: events in bins of simulated time
      series: { weights: [], phases: [], metrics: {} },
      widths: { weights: 6, phases: 3, metrics: {} },
      histogram: null,
      end: null,
      history: [],                  // [wall seconds, simulated time] whenever simulated time advanced
      ring: { t: new Float64Array(RING), u: new Uint32Array(RING), p: new Uint16Array(RING), m: new Uint8Array(RING), n: 0 },
    };
  }

  // ---- formatting -------------------------------------------------------------------------------

  const integers = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const fmtInt = (n) => integers.format(Math.round(n));
  function fmt(x, digits = 4) {
    if (x === null || x === undefined || !Number.isFinite(x)) return '–';
    if (x === 0) return '0';
    const a = Math.abs(x);
    return a >= 1e6 || a < 1e-3 ? x.toExponential(digits - 1) : String(Number(x.toPrecision(digits)));
  }
  /** Sets an element's text only when it changes (each change costs the browser a relayout). */
  function setText(e, text) {
    if (e.textContent !== text) e.textContent = text;
  }
  function setCounter(id, value, text) {
    const e = $(id);
    if (e.dataset.value !== String(value)) e.dataset.value = String(value);
    setText(e, text === undefined ? fmtInt(value) : text);
  }
  const metricName = (code) => (view.run && code < view.run.metrics.length ? view.run.metrics[code] : `metric ${code}`);
  const metricCode = (name) => (view.run ? view.run.metrics.indexOf(name) : -1);
  const timeUnit = () => (view.run ? view.run.timeUnit : '');
  /** Rates in Hz for models whose time unit is ms or s; otherwise events per unit per time unit. */
  function rateScale() {
    const u = timeUnit();
    if (u === 'ms') return { factor: 1000, label: 'Hz' };
    if (u === 's') return { factor: 1, label: 'Hz' };
    return { factor: 1, label: `per unit per ${u}` };
  }

  // ---- receiving --------------------------------------------------------------------------------

  function connect() {
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/stream';
    socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => setStatus(view.end !== null ? 'ended' : 'live');
    socket.onmessage = (event) => receive(event.data);
    socket.onclose = (event) => {
      setStatus(view.end !== null ? 'ended' : event.code === 1013 ? `refused: ${event.reason}` : 'disconnected');
      setTimeout(connect, event.code === 1013 ? 10000 : 2000);
    };
  }

  function setStatus(s) {
    const e = $('status');
    if (e.dataset.value !== s) e.dataset.value = s;
    setText(e, s);
  }

  function receive(buffer) {
    const bytes = new Uint8Array(buffer);
    if (bytes.length < 8 || String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]) !== 'RVW1') return;
    const length = new DataView(buffer).getUint32(4, true);
    const frame = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    if (frame.run) {
      view = fresh();
      view.run = frame.run;
      showRun(frame.run);
      stale = allStale();
    }
    view.frames += 1;
    view.frame = frame;
    const h = view.history;
    const advanced = h.length === 0 || frame.t > h[h.length - 1][1];
    if (advanced) h.push([performance.now() / 1000, frame.t]);
    while (h.length > 2 && h[1][0] < h[h.length - 1][0] - 3 * RASTER_SECONDS) h.shift();
    const s = frame.series;
    if (s.rates) view.rates = s.rates;
    apply('weights', s.weights);
    apply('phases', s.phases);
    for (const code of Object.keys(s.metrics)) applyMetric(Number(code), s.metrics[code]);
    if (frame.histogram) view.histogram = frame.histogram;
    if (frame.end !== undefined) view.end = frame.end;
    let offset = 8 + length;
    offset += (8 - (offset % 8)) % 8;
    const n = frame.raster.count;
    if (n > 0) {
      const times = new Float64Array(buffer, offset, n);
      const units = new Uint32Array(buffer, offset + 8 * n, n);
      const pops = new Uint16Array(buffer, offset + 12 * n, n);
      const marks = new Uint8Array(buffer, offset + 14 * n, n);
      const r = view.ring;
      for (let i = 0; i < n; i++) {
        const k = r.n % RING;
        r.t[k] = times[i]; r.u[k] = units[i]; r.p[k] = pops[i]; r.m[k] = marks[i];
        r.n += 1;
      }
    }
    const metrics = Object.values(s.metrics).some((d) => d !== null);
    if (n > 0 || s.phases || advanced) stale.raster = true;
    if (s.rates || s.phases) stale.rates = true;
    if (metrics || s.phases) stale.metrics = true;
    if (frame.histogram || s.weights || s.phases) stale.weights = true;
    dirty = true;
    schedule();
  }

  function merge(old, delta) {
    if (!delta) return old;
    return delta.from === 0 ? delta.points.slice() : old.concat(delta.points);
  }
  function apply(name, delta) {
    if (!delta) return;
    view.widths[name] = delta.width;
    view.series[name] = merge(view.series[name], delta);
  }
  function applyMetric(code, delta) {
    if (!delta) return;
    view.widths.metrics[code] = delta.width;
    view.series.metrics[code] = merge(view.series.metrics[code] || [], delta);
  }

  // ---- text -------------------------------------------------------------------------------------

  function showRun(run) {
    $('model').textContent = `${run.modelName} (seed ${run.seed})`;
    $('time-unit').textContent = run.timeUnit;
    $('rate-unit').textContent = `(${rateScale().label}; time in ${run.timeUnit})`;
    const extra = run.allPopulations > run.populations.length ? `, ${run.allPopulations - run.populations.length} more not charted` : '';
    $('run-info').textContent = `${run.populations.length} population(s)${extra}; phases: ${run.phases.join(', ') || '–'}; ` +
      `metrics: ${run.metrics.join(', ') || '–'}; time unit: ${run.timeUnit}`;
    $('model-source').textContent = run.modelSource;
    const labels = $('population-labels');
    labels.replaceChildren();
    const body = $('populations').tBodies[0];
    body.replaceChildren();
    run.populations.forEach((p, k) => {
      const li = document.createElement('li');
      li.textContent = p.name;
      li.style.color = COLORS[k % COLORS.length];
      labels.appendChild(li);
      const tr = body.insertRow();
      for (let c = 0; c < 8; c++) tr.insertCell();
      tr.cells[0].textContent = p.name;
      tr.cells[1].textContent = p.model;
      tr.cells[2].textContent = fmtInt(p.size);
    });
  }

  function updateCounters(f) {
    const t = f.totals;
    setCounter('sim-time', f.t, fmt(f.t, 6));
    setText($('phase'), f.phase === null ? '–' : f.phase);
    setStatus(f.ended ? 'ended' : 'live');
    setCounter('messages-total', t.messages);
    setCounter('records-total', t.records);
    setCounter('message-rate', f.rate.messages, fmt(f.rate.messages, 3));
    setCounter('record-rate', f.rate.records, fmt(f.rate.records, 3));
    setCounter('gap-messages', t.gapMessages);
    setCounter('gap-records', t.gapRecords);
    setCounter('spikes-total', t.spikes.reduce((a, b) => a + b, 0));
    setCounter('spike-gap-records', t.topics['rv.spike'].gapRecords);
    setCounter('flips-total', t.flips.reduce((a, b) => a + b, 0));
    setCounter('frames-received', view.frames);
    setCounter('frames-dropped', f.client.framesDropped);
    setCounter('raster-dropped', f.client.rasterDropped);
    if (view.end !== null) setText($('end-summary'), view.end);
    if (!view.run) return;
    const rows = $('populations').tBodies[0].rows;
    const rates = lastRates();
    view.run.populations.forEach((p, k) => {
      const r = rows[k];
      if (!r) return;
      setText(r.cells[3], fmtInt(f.raster.rows[k]));
      setText(r.cells[4], fmtInt(t.spikes[k]));
      setText(r.cells[5], fmtInt(t.flips[k]));
      setText(r.cells[6], rates ? `${fmt(rates[k], 3)} ${rateScale().label}` : '–');
      setText(r.cells[7], fmtInt(f.raster.omitted[k]));
    });
    setText($('raster-note'), '(decimated by the server: a subset of units, with every event of those units; ' +
      "'shown' and 'omitted' below; black: spike or s = +1, orange: s = −1)");
  }

  /**
   * Population rates from the rate bins, grouped `group` bins at a time, up to the
   * latest simulated time: [{t0, t1, rates[p]}] (a last group covering under a tenth
   * of its width is left out).
   */
  function rateGroups(group) {
    const r = view.rates, run = view.run;
    if (!r || !run) return [];
    const pops = run.populations, P = pops.length, bins = r.counts.length / P, scale = rateScale().factor;
    const now = view.frame ? view.frame.t : r.origin + bins * r.width;
    const out = [];
    for (let b0 = 0; b0 < bins; b0 += group) {
      const b1 = Math.min(bins, b0 + group), t0 = r.origin + b0 * r.width;
      const t1 = Math.min(r.origin + b1 * r.width, Math.max(now, t0));
      if (t1 - t0 < 0.1 * group * r.width) continue;
      const rates = pops.map((p, k) => {
        let n = 0;
        for (let b = b0; b < b1; b++) n += r.counts[b * P + k];
        return (n / (p.size * (t1 - t0))) * scale;
      });
      out.push({ t0, t1, rates });
    }
    return out;
  }

  /** Each population's rate over the last tenth of the simulated time charted. */
  function lastRates() {
    const r = view.rates;
    if (!r || !view.run) return null;
    const bins = r.counts.length / view.run.populations.length;
    const groups = rateGroups(Math.max(1, Math.ceil(bins / 10)));
    return groups.length ? groups[groups.length - 1].rates : null;
  }

  // ---- drawing ----------------------------------------------------------------------------------

  /** Sizes a canvas to its box at the device's pixel ratio and clears it (`clear` false: the caller paints every pixel). */
  function prepare(canvas, clear = true) {
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(50, Math.round(canvas.clientWidth * ratio));
    const h = Math.round(Number(canvas.getAttribute('height')) * ratio);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.style.height === '') canvas.style.height = canvas.getAttribute('height') + 'px';
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    if (clear) ctx.clearRect(0, 0, w, h);
    return { ctx, w: w / ratio, h: h / ratio, ratio };
  }

  function ticks(lo, hi, n) {
    const span = hi - lo;
    if (!(span > 0)) return [lo];
    const raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return out;
  }

  function extent(values, pad) {
    let lo = Infinity, hi = -Infinity;
    for (const v of values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (lo === Infinity) return [0, 1];
    if (lo === hi) { const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1; return [lo - d, hi + d]; }
    const d = (hi - lo) * (pad || 0);
    return [lo - d, hi + d];
  }

  /** Phase begin markers as [time, name]. */
  function phaseMarks() {
    const s = view.series.phases, out = [];
    for (let i = 0; i + 2 < s.length; i += 3) {
      if (s[i + 2] !== 0) continue;
      const name = view.run && s[i + 1] < view.run.phases.length ? view.run.phases[s[i + 1]] : `phase ${s[i + 1]}`;
      out.push([s[i], name]);
    }
    return out;
  }

  /**
   * A chart: axes with ticks, optional phase markers (when x is time), and series
   * {xs, ys, color, kind: 'line' | 'dots' | 'bars' | 'dash'}.
   */
  function chart(canvas, o) {
    const { ctx, w, h } = prepare(canvas);
    const m = { l: 58, r: 12, t: 10, b: 30 };
    const [x0, x1] = o.x[0] < o.x[1] ? o.x : [o.x[0], o.x[0] + 1];
    const [y0, y1] = o.y[0] < o.y[1] ? o.y : [o.y[0] - 1, o.y[0] + 1];
    const pw = w - m.l - m.r, ph = h - m.t - m.b;
    const X = (x) => m.l + ((x - x0) / (x1 - x0)) * pw;
    const Y = (y) => m.t + ph - ((y - y0) / (y1 - y0)) * ph;
    ctx.font = '11px system-ui, "DejaVu Sans", sans-serif';
    ctx.strokeStyle = '#e4e7ec';
    ctx.fillStyle = '#667085';
    ctx.lineWidth = 1;
    ctx.textAlign = 'center';
    for (const v of ticks(x0, x1, Math.max(2, Math.floor(pw / 90)))) {
      ctx.beginPath(); ctx.moveTo(X(v), m.t); ctx.lineTo(X(v), m.t + ph); ctx.stroke();
      ctx.fillText(fmt(v, 4), X(v), h - m.b + 13);
    }
    ctx.textAlign = 'right';
    for (const v of ticks(y0, y1, Math.max(2, Math.floor(ph / 40)))) {
      ctx.beginPath(); ctx.moveTo(m.l, Y(v)); ctx.lineTo(m.l + pw, Y(v)); ctx.stroke();
      ctx.fillText(fmt(v, 3), m.l - 5, Y(v) + 4);
    }
    ctx.strokeStyle = '#98a2b3';
    ctx.strokeRect(m.l, m.t, pw, ph);
    ctx.textAlign = 'center';
    ctx.fillText(o.xlabel, m.l + pw / 2, h - 3);
    ctx.save(); ctx.translate(11, m.t + ph / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(o.ylabel, 0, 0); ctx.restore();
    if (o.markers) drawMarkers(ctx, o.markers, X, x0, x1, m.t, ph);
    ctx.save();
    ctx.beginPath(); ctx.rect(m.l, m.t, pw, ph); ctx.clip();
    for (const s of o.series) {
      ctx.strokeStyle = s.color; ctx.fillStyle = s.color; ctx.lineWidth = 1.5;
      if (s.kind === 'bars') {
        const bw = pw / Math.max(1, s.xs.length);
        s.xs.forEach((x, i) => { const y = Y(s.ys[i]); ctx.fillRect(X(x), y, Math.max(1, bw - 1), Y(y0) - y); });
      } else if (s.kind === 'dots') {
        s.xs.forEach((x, i) => { if (Number.isFinite(s.ys[i])) ctx.fillRect(X(x) - 1.5, Y(s.ys[i]) - 1.5, 3, 3); });
      } else {
        ctx.setLineDash(s.kind === 'dash' ? [4, 3] : []);
        ctx.beginPath();
        let pen = false;
        s.xs.forEach((x, i) => {
          const y = s.ys[i];
          if (!Number.isFinite(y)) { pen = false; return; }
          if (pen) ctx.lineTo(X(x), Y(y)); else ctx.moveTo(X(x), Y(y));
          pen = true;
        });
        ctx.stroke();
        ctx.setLineDash([]);
        if (s.xs.length === 1) ctx.fillRect(X(s.xs[0]) - 2, Y(s.ys[0]) - 2, 4, 4);
      }
    }
    ctx.restore();
    if (o.legend) {
      ctx.textAlign = 'left';
      const widths = o.legend.map(([name]) => 24 + ctx.measureText(name).width);
      let x = m.l + pw - widths.reduce((a, b) => a + b, 0);
      o.legend.forEach(([name, color], i) => {
        ctx.fillStyle = 'rgba(255,255,255,0.85)'; ctx.fillRect(x - 2, m.t + 1, widths[i], 14);
        ctx.fillStyle = color; ctx.fillRect(x, m.t + 6, 10, 3);
        ctx.fillStyle = '#1d2330'; ctx.fillText(name, x + 14, m.t + 11);
        x += widths[i];
      });
    }
  }

  function drawMarkers(ctx, marks, X, x0, x1, top, height) {
    ctx.save();
    ctx.strokeStyle = '#8a6d3b'; ctx.fillStyle = '#8a6d3b'; ctx.setLineDash([3, 3]); ctx.textAlign = 'left';
    for (const [t, name] of marks) {
      if (t < x0 || t > x1) continue;
      ctx.beginPath(); ctx.moveTo(X(t), top); ctx.lineTo(X(t), top + height); ctx.stroke();
      ctx.fillText(name, X(t) + 3, top + height - 4);
    }
    ctx.restore();
  }

  let rasterImage = null;          // the raster's pixels, kept between redraws

  function drawRaster() {
    const canvas = $('raster');
    const { ctx, w, h, ratio } = prepare(canvas, false);
    const run = view.run;
    const axis = 22, pw = Math.round(w * ratio), ph = Math.round((h - axis) * ratio);
    ctx.clearRect(0, h - axis, w, axis);
    if (!rasterImage || rasterImage.width !== pw || rasterImage.height !== ph) rasterImage = ctx.createImageData(pw, ph);
    const pixels = new Uint32Array(rasterImage.data.buffer);
    pixels.fill(0xffffffff);
    if (!run || run.populations.length === 0) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.putImageData(rasterImage, 0, 0);
      canvas.dataset.drawn = '0';
      return;
    }
    const r = view.ring, held = Math.min(r.n, RING), first = r.n - held;
    let [t0, t1] = rasterWindow(r, first);
    if (!(t1 > t0)) t1 = t0 + 1;
    const pops = run.populations, band = ph / pops.length;
    const colors = new Uint32Array(4);
    for (let m = 0; m < 4; m++) { const [R, G, B] = MARK_RGBA[m] || MARK_RGBA[1]; colors[m] = ((0xff << 24) | (B << 16) | (G << 8) | R) >>> 0; }
    const dotW = held > 100000 ? 1 : 2, xScale = (pw - dotW) / (t1 - t0);
    // Per population: rows per unit, the first row of its band and rows per unit index.
    const rowsOf = pops.map((p) => Math.max(1, Math.min(3, Math.floor((band - 2) / p.size))));
    const yScale = pops.map((p, k) => (band - 2 - rowsOf[k]) / p.size);
    // Events are held in arrival (= simulated time) order: start at the first inside the window.
    let lo = first, hi = r.n;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (r.t[mid % RING] < t0) lo = mid + 1; else hi = mid; }
    let drawn = 0;
    for (let e = lo; e < r.n; e++) {
      const k = e % RING, p = r.p[k], t = r.t[k];
      if (p >= pops.length || t > t1) continue;
      const x = Math.min(pw - dotW, Math.floor((t - t0) * xScale));
      const rows = rowsOf[p];
      const y = Math.floor(p * band + 1 + (r.u[k] + 0.5) * yScale[p]);
      const c = colors[r.m[k] & 3];
      for (let dy = 0; dy < rows; dy++) {
        const row = (y + dy) * pw + x;
        pixels[row] = c;
        if (dotW === 2) pixels[row + 1] = c;
      }
      drawn += 1;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.putImageData(rasterImage, 0, 0);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.strokeStyle = '#98a2b3'; ctx.lineWidth = 1;
    for (let k = 1; k < pops.length; k++) { ctx.beginPath(); ctx.moveTo(0, (k * band) / ratio); ctx.lineTo(w, (k * band) / ratio); ctx.stroke(); }
    ctx.strokeRect(0.5, 0.5, w - 1, h - axis);
    ctx.fillStyle = '#667085'; ctx.font = '11px system-ui, "DejaVu Sans", sans-serif'; ctx.textAlign = 'center';
    const X = (t) => ((t - t0) / (t1 - t0)) * w;
    for (const v of ticks(t0, t1, Math.max(2, Math.floor(w / 110)))) ctx.fillText(fmt(v, 5), Math.min(w - 20, Math.max(20, X(v))), h - axis + 14);
    ctx.textAlign = 'right';
    ctx.fillText(`t (${run.timeUnit})`, w - 4, h - 2);
    drawMarkers(ctx, phaseMarks(), X, t0, t1, 0, h - axis);
    canvas.dataset.drawn = String(drawn);
    const labels = $('population-labels').children;
    for (let k = 0; k < labels.length; k++) setStyle(labels[k], 'top', `${(k * band) / ratio + band / ratio / 2 - 8}px`);
    setStyle($('population-labels'), 'height', `${h}px`);
  }

  /** Sets a style property only when it changes (as setText). */
  function setStyle(e, property, value) {
    if (e.style[property] !== value) e.style[property] = value;
  }

  /**
   * The simulated time of the last RASTER_SECONDS of wall time (so the raster scrolls at the
   * run's pace); while the page has seen less than that, back to its oldest raster event.
   */
  function rasterWindow(r, first) {
    const h = view.history;
    const t1 = h.length ? h[h.length - 1][1] : 0;
    const wall1 = h.length ? h[h.length - 1][0] : 0;
    let t0 = h.length ? h[0][1] : 0;
    for (const [wall, t] of h) { if (wall > wall1 - RASTER_SECONDS) break; t0 = t; }
    if ((h.length === 0 || h[0][0] > wall1 - RASTER_SECONDS) && r.n > first) t0 = Math.min(t0, r.t[first % RING]);
    return [t0, t1];
  }

  function drawRates() {
    const run = view.run, r = view.rates;
    if (!run || !r) return;
    const { label } = rateScale();
    const bins = r.counts.length / run.populations.length;
    const groups = rateGroups(Math.max(1, Math.ceil(bins / 200)));
    if (groups.length === 0) return;
    const xs = groups.map((g) => (g.t0 + g.t1) / 2);
    const series = run.populations.map((p, k) => ({ xs, ys: groups.map((g) => g.rates[k]), color: COLORS[k % COLORS.length], kind: 'line' }));
    const [, yMax] = extent(groups.flatMap((g) => g.rates), 0.05);
    chart($('rates'), {
      x: [groups[0].t0, groups[groups.length - 1].t1], y: [0, Math.max(yMax, 1e-9)], series,
      xlabel: `t (${run.timeUnit}); bins of ${fmt(r.width * Math.max(1, Math.ceil(bins / 200)), 3)} ${run.timeUnit}`,
      ylabel: `rate (${label})`, markers: phaseMarks(), legend: run.populations.map((p, k) => [p.name, COLORS[k % COLORS.length]]),
    });
  }

  function metricPoints(code) {
    const s = view.series.metrics[code] || [], w = view.widths.metrics[code] || 4;
    const t = [], item = [], value = [], phase = [];
    for (let i = 0; i + w <= s.length; i += w) { t.push(s[i]); item.push(s[i + 1]); value.push(s[i + 2]); phase.push(s[i + 3]); }
    return { t, item, value, phase };
  }
  const phaseName = (k) => (k < 0 ? 'no phase' : view.run && k < view.run.phases.length ? view.run.phases[k] : `phase ${k}`);

  function drawOverlaps() {
    const code = metricCode('overlap');
    const panel = $('overlap-panel');
    if (code < 0 || !view.series.metrics[code]) { panel.hidden = true; return; }
    panel.hidden = false;
    const { t, item, value, phase } = metricPoints(code);
    const patterns = new Set(item).size;
    const byColor = {};
    t.forEach((x, i) => {
      const c = `hsl(${(item[i] * 137.508) % 360}, 65%, 42%)`;
      (byColor[c] = byColor[c] || { xs: [], ys: [], color: c, kind: 'dots' }).xs.push(x);
      byColor[c].ys.push(value[i]);
    });
    const [ylo] = extent(value, 0);
    $('overlap-note').textContent = `(${fmtInt(value.length)} measurements of ${fmtInt(patterns)} patterns; ` +
      `last: pattern ${item[item.length - 1]} m = ${fmt(value[value.length - 1], 3)})`;
    chart($('overlaps'), {
      x: extent(t, 0.02), y: [Math.min(ylo, 0), 1.02], series: Object.values(byColor),
      xlabel: `t (${timeUnit()})`, ylabel: 'overlap m^μ (colour: μ)', markers: phaseMarks(),
    });
    // The last overlap of every pattern in each phase, against μ.
    const byPhase = new Map();
    item.forEach((mu, i) => {
      if (!byPhase.has(phase[i])) byPhase.set(phase[i], new Map());
      byPhase.get(phase[i]).set(mu, value[i]);
    });
    const phases = [...byPhase.keys()];
    chart($('overlaps-by-pattern'), {
      x: extent(item, 0.02), y: [Math.min(ylo, 0), 1.02],
      series: phases.map((k, j) => ({ xs: [...byPhase.get(k).keys()], ys: [...byPhase.get(k).values()], color: COLORS[j % COLORS.length], kind: 'dots' })),
      xlabel: 'pattern μ', ylabel: 'last m^μ in each phase', legend: phases.map((k, j) => [phaseName(k), COLORS[j % COLORS.length]]),
    });
  }

  function drawDreams() {
    const fs = metricCode('fraction_stable'), ms = metricCode('min_stability');
    const panel = $('dream-panel');
    if ((fs < 0 || !view.series.metrics[fs]) && (ms < 0 || !view.series.metrics[ms])) { panel.hidden = true; return; }
    panel.hidden = false;
    const f = metricPoints(fs), d = metricPoints(ms);
    const last = (a) => (a.length ? a[a.length - 1] : NaN);
    $('dream-note').textContent = `(after ${fmtInt(last(f.item.length ? f.item : d.item) || 0)} dreams: ` +
      `fraction stable ${fmt(last(f.value), 3)}, Δ_min ${fmt(last(d.value), 3)})`;
    const x = extent(f.item.concat(d.item), 0);
    chart($('fraction-stable'), {
      x, y: [0, 1.02], series: [{ xs: f.item, ys: f.value, color: COLORS[0], kind: 'line' }],
      xlabel: 'dreams D', ylabel: 'fraction of patterns stable',
    });
    const [lo, hi] = extent(d.value, 0.05);
    chart($('min-stability'), {
      x, y: [Math.min(lo, 0), Math.max(hi, 0)],
      series: [{ xs: x, ys: [0, 0], color: '#98a2b3', kind: 'dash' }, { xs: d.item, ys: d.value, color: COLORS[1], kind: 'line' }],
      xlabel: 'dreams D', ylabel: 'Δ_min',
    });
  }

  function drawWeights() {
    const panel = $('weight-panel');
    const s = view.series.weights;
    if (!view.histogram && s.length === 0) { panel.hidden = true; return; }
    panel.hidden = false;
    if (view.histogram) {
      const [t, count, mean, sd, lo, hi] = view.histogram.stats, bins = view.histogram.bins;
      const width = hi > lo ? (hi - lo) / bins.length : 1;
      $('weight-note').textContent = `(latest snapshot at t = ${fmt(t, 5)}: ${fmtInt(count)} weights, mean ${fmt(mean)}, sd ${fmt(sd)})`;
      chart($('weight-histogram'), {
        x: [lo, hi > lo ? hi : lo + 1], y: [0, Math.max(...bins, 1) * 1.05],
        series: [{ xs: bins.map((_, i) => lo + i * width), ys: bins, color: COLORS[0], kind: 'bars' }],
        xlabel: 'weight', ylabel: 'synapses',
      });
    }
    const t = [], mean = [], up = [], down = [], mins = [], maxs = [];
    for (let i = 0; i + 5 < s.length; i += 6) {
      t.push(s[i]); mean.push(s[i + 2]); up.push(s[i + 2] + s[i + 3]); down.push(s[i + 2] - s[i + 3]); mins.push(s[i + 4]); maxs.push(s[i + 5]);
    }
    chart($('weight-stats'), {
      x: extent(t, 0.02), y: extent(down.concat(up), 0.1),
      series: [
        { xs: t, ys: mean, color: COLORS[0], kind: 'line' },
        { xs: t, ys: up, color: COLORS[1], kind: 'dash' },
        { xs: t, ys: down, color: COLORS[1], kind: 'dash' },
      ],
      xlabel: `t (${timeUnit()}), one point per snapshot`, ylabel: 'weight', markers: phaseMarks(),
      legend: [['mean', COLORS[0]], ['mean ± sd', COLORS[1]]],
    });
  }

  function drawMetricTable() {
    const codes = Object.keys(view.series.metrics).map(Number).sort((a, b) => a - b);
    $('metric-panel').hidden = codes.length === 0;
    const body = $('metrics').tBodies[0];
    body.replaceChildren();
    for (const code of codes) {
      const { item, value } = metricPoints(code);
      const latest = new Map();
      item.forEach((it, i) => latest.set(it, value[i]));
      const tr = body.insertRow();
      tr.insertCell().textContent = metricName(code);
      tr.insertCell().textContent = fmtInt(latest.size);
      const shown = [...latest.entries()].slice(-8).map(([it, v]) => `${it}: ${fmt(v, 3)}`).join('  ');
      tr.insertCell().textContent = latest.size > 8 ? `… ${shown}` : shown;
    }
  }

  /**
   * Updates the page on the next animation frame at least REDRAW_MS after the last update
   * (no frame is requested while nothing is new): the counters always, each chart only when
   * its data changed and the page is not paused. One rendering update per redraw.
   */
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    const wait = Math.max(0, REDRAW_MS - (performance.now() - lastDraw));
    setTimeout(() => requestAnimationFrame(redraw), wait);
  }

  function redraw(now) {
    scheduled = false;
    if (!dirty) return;
    dirty = false;
    const gap = now - lastDraw, shortest = Number(document.body.dataset.shortestGap || Infinity);
    if (gap < shortest) document.body.dataset.shortestGap = String(gap);  // ms between updates (tests read it)
    lastDraw = now;
    if (view.frame) updateCounters(view.frame);
    if (!paused && view.run) {
      if (stale.raster) drawRaster();
      if (stale.rates) drawRates();
      if (stale.metrics) { drawOverlaps(); drawDreams(); drawMetricTable(); }
      if (stale.weights) drawWeights();
      stale = { raster: false, rates: false, metrics: false, weights: false };
      document.body.dataset.redrawn = String(view.frames);
      document.body.dataset.drawnEnd = String(view.end !== null);  // the final state is on screen (tests wait on it)
    }
  }

  $('follow').addEventListener('click', () => {
    paused = !paused;
    const b = $('follow');
    b.textContent = paused ? 'Follow' : 'Pause';
    b.setAttribute('aria-pressed', String(!paused));
    dirty = true;
    stale = allStale();
    schedule();
  });
  window.addEventListener('resize', () => { dirty = true; stale = allStale(); schedule(); });
  connect();
})();
