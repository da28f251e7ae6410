/**
 * The id of the `<script type="application/json">` that holds the charts' data.
 *
 * @example
 * `<script type="application/json" id="${REPORT_DATA_ID}">${scriptJson(data)}</script>`;
 */
export const REPORT_DATA_ID = 'riskfence-data';

/**
 * The report page's script: reads the embedded JSON (#{@link REPORT_DATA_ID}) and
 * draws every chart with uPlot, which must be loaded first.
 *
 * uPlot draws the value series, the axes, the cursor and the drag-zoom; this
 * script adds, on uPlot's canvas hooks:
 * - known market events, shaded once under everything and labelled;
 * - each timeframe's fences as outlines (its colour and dash pattern), with
 *   steps at or below 0 left out on log axes instead of drawn as a wall;
 * - one marker per flag on its very point: ▲ high, ▼ low, coloured by
 *   timeframe, longer timeframes larger and drawn first, so a point flagged by
 *   several shows nested triangles;
 * - the readout under the cursor (time, value, each timeframe's fences, the
 *   flags and the event of that point), the cursor and zoom synced across the
 *   charts of one asset, the legend's toggles per timeframe, and resizing from
 *   phone width to print.
 *
 * Each figure reports what it shows in `data-x-min`, `data-x-max` (epoch ms)
 * and `data-markers` (markers drawn), and in words in its status line.
 *
 * Values come divided by `10^exponent` into the plot and are labelled with
 * their true magnitude (see `ChartPayload.exponent`); the y range is computed
 * here from the values in view, widened by at most 15 % of their span for the
 * fences so a far fence cannot flatten the series. The number format is the
 * server's, sent as data (`VALUE_FORMAT`).
 *
 * Plain ES2020 in a string rather than compiled TypeScript: the page must run
 * without a build step and the CLI runs from sources through tsx, whose
 * transforms would leave helper references in a serialised function.
 *
 * Complexity: O(points in view) per redraw; the readout is O(timeframes + events).
 *
 * @example
 * `<script>${uplotAssets().script}</script><script>${REPORT_CLIENT_SCRIPT}</script>`;
 */
export const REPORT_CLIENT_SCRIPT = String.raw`
(() => {
  'use strict';
  const DAY = 864e5;
  const data = JSON.parse(document.getElementById('${REPORT_DATA_ID}').textContent);
  const hidden = data.timeframes.map(() => false);
  const plots = [];
  const groups = new Map();
  const formats = new Map();
  const pr = () => window.devicePixelRatio || 1;

  function fmt(v, unit) {
    if (v === null || !Number.isFinite(v)) return '\u2013';
    const a = Math.abs(v);
    let r = 0;
    while (a < data.format.rules[r].from) r++;
    const key = unit + '|' + r;
    if (!formats.has(key)) {
      const options = Object.assign({}, data.format.units[unit], data.format.rules[r].options);
      formats.set(key, new Intl.NumberFormat(data.format.locale, options));
    }
    return formats.get(key).format(v);
  }
  const iso = (t) => new Date(t).toISOString();
  const when = (t) => iso(t).slice(0, 10) + ' ' + iso(t).slice(11, 16) + ' UTC';
  const position = (timeframe) => data.timeframes.indexOf(timeframe);

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** First index whose time is >= t (binary search; times ascend). */
  function lowerBound(times, t) {
    let lo = 0, hi = times.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (times[mid] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /**
   * Indices [from, to) of the points in the x range shown, plus one on each
   * side (their steps reach in); every point while the x scale is not set yet.
   */
  function shown(u, times) {
    const { min, max } = u.scales.x;
    if (min === null || min === undefined || max === null || max === undefined) return [0, times.length];
    return [Math.max(lowerBound(times, min) - 1, 0), Math.min(lowerBound(times, max) + 1, times.length)];
  }

  /** Fences overflowed to ±Infinity arrive as null; on a log axis a fence at or below 0 has no place. */
  const drawable = (v, log) => v !== null && (!log || v > 0);

  function yRange(c, scale) {
    const log = c.axis === 'log';
    return (u, min, max) => {
      if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) {
        return c.axis === 'score' ? [0, 100] : log ? [1, 10] : [0, 1];
      }
      if (c.axis === 'score') return [Math.min(0, min), Math.max(100, max)];
      const [from, to] = shown(u, c.times);
      const f = (v) => (log ? Math.log10(v) : v);
      const lo0 = f(min), hi0 = f(max);
      const span = hi0 - lo0 || Math.abs(hi0) || 1;
      let lo = lo0, hi = hi0;
      for (const b of c.bands) {
        for (let i = from; i < to; i++) {
          if (drawable(b.lower[i], log)) lo = Math.min(lo, Math.max(f(b.lower[i] / scale), lo0 - 0.15 * span));
          if (drawable(b.upper[i], log)) hi = Math.max(hi, Math.min(f(b.upper[i] / scale), hi0 + 0.15 * span));
        }
      }
      if (log) return [10 ** Math.floor(lo), 10 ** Math.max(Math.ceil(hi), Math.floor(lo) + 1)];
      const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.01 || 1;
      const floor = min >= 0 && (c.unit === 'USD' || c.unit === '%') ? 0 : -Infinity;
      return [Math.max(lo - pad, floor), hi + pad];
    };
  }

  /**
   * Value-axis width: enough for the longest label, and at least minimum, so
   * the time axes of an asset's stacked charts line up on wide screens.
   */
  function axisSize(minimum) {
    return (u, values, axisIdx, cycleNum) => {
      const axis = u.axes[axisIdx];
      if (cycleNum > 1) return axis._size;
      let longest = '';
      for (const v of values || []) if (v.length > longest.length) longest = v;
      u.ctx.font = axis.font[0];
      return Math.max(minimum, Math.ceil(axis.ticks.size + axis.gap + u.ctx.measureText(longest).width / pr() + 4));
    };
  }

  /** Log axes: one tick per decade (every n-th when they would crowd), not uPlot's 1..9 per decade. */
  function decades(u, axisIdx, min, max) {
    const lo = Math.ceil(Math.log10(min) - 1e-9), hi = Math.floor(Math.log10(max) + 1e-9);
    const every = Math.max(1, Math.ceil(((hi - lo + 1) * 22) / (u.bbox.height / pr())));
    const splits = [];
    for (let e = lo; e <= hi; e += every) splits.push(10 ** e);
    return splits;
  }

  function timeLabels(u, splits, axisIdx, space, incr) {
    const cut = incr >= 360 * DAY ? [0, 4] : incr >= 28 * DAY ? [0, 7] : incr >= DAY ? [0, 10] : [5, 16];
    return splits.map((t) => iso(t).slice(cut[0], cut[1]).replace('T', ' '));
  }

  /** Runs draw(ctx) clipped to the plotting area, in canvas pixels. */
  function clipped(u, draw) {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
    ctx.clip();
    draw(ctx, bbox);
    ctx.restore();
  }

  function inView(u, from, to) {
    return to >= u.scales.x.min && from <= u.scales.x.max;
  }

  function drawEvents(c) {
    return (u) => clipped(u, (ctx, bbox) => {
      ctx.fillStyle = data.colours.event;
      for (const ev of c.events) {
        if (!inView(u, ev.from, ev.to)) continue;
        const x0 = Math.max(u.valToPos(ev.from, 'x', true), bbox.left);
        const x1 = Math.min(u.valToPos(ev.to, 'x', true), bbox.left + bbox.width);
        ctx.fillRect(x0, bbox.top, Math.max(x1 - x0, pr()), bbox.height);
      }
    });
  }

  function drawEventLabels(c) {
    return (u) => clipped(u, (ctx, bbox) => {
      ctx.font = Math.round(11 * pr()) + 'px system-ui, sans-serif';
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.lineWidth = 3 * pr();
      ctx.strokeStyle = 'rgba(255,255,255,0.85)';
      ctx.fillStyle = data.colours.eventLabel;
      const right = bbox.left + bbox.width - 3 * pr();
      for (const ev of c.events) {
        if (!inView(u, ev.from, ev.to)) continue;
        const start = Math.max(u.valToPos(ev.from, 'x', true), bbox.left) + 3 * pr();
        const x = Math.max(bbox.left, Math.min(start, right - ctx.measureText(ev.name).width));
        ctx.strokeText(ev.name, x, bbox.top + 3 * pr());
        ctx.fillText(ev.name, x, bbox.top + 3 * pr());
      }
    });
  }

  /**
   * Each point's fences as a horizontal step reaching half-way to its
   * neighbours, so a marker sits in the middle of the fences that judged it.
   */
  function drawFences(c, scale) {
    const log = c.axis === 'log';
    const n = c.times.length;
    return (u) => clipped(u, (ctx, bbox) => {
      const top = bbox.top - 4 * pr(), bottom = bbox.top + bbox.height + 4 * pr();
      const y = (v) => Math.min(Math.max(u.valToPos(v / scale, 'y', true), top), bottom);
      const x = (t) => u.valToPos(t, 'x', true);
      const edge = (i, j) => (j < 0 || j >= n ? x(c.times[i]) : x((c.times[i] + c.times[j]) / 2));
      const [from, to] = shown(u, c.times);
      ctx.lineWidth = 1.4 * pr();
      for (const b of c.bands) {
        const p = position(b.timeframe);
        if (hidden[p]) continue;
        ctx.strokeStyle = data.colours.timeframes[p];
        ctx.setLineDash(data.colours.dashes[p].map((d) => d * pr()));
        for (const side of [b.upper, b.lower]) {
          ctx.beginPath();
          let pen = false;
          for (let i = from; i < to; i++) {
            if (!drawable(side[i], log)) { pen = false; continue; }
            const x0 = edge(i, i - 1), x1 = edge(i, i + 1);
            const py = y(side[i]);
            if (pen) ctx.lineTo(x0, py);
            else ctx.moveTo(x0, py);
            ctx.lineTo(x1, py);
            pen = true;
          }
          ctx.stroke();
        }
      }
      ctx.setLineDash([]);
    });
  }

  function drawMarkers(c, scale, figure) {
    const log = c.axis === 'log';
    const order = c.flags.map((f, i) => i).sort((a, b) => position(c.flags[b].timeframe) - position(c.flags[a].timeframe));
    return (u) => {
      let drawn = 0;
      clipped(u, (ctx, bbox) => {
        ctx.lineWidth = pr();
        ctx.strokeStyle = '#fff';
        for (const i of order) {
          const f = c.flags[i];
          const p = position(f.timeframe);
          if (hidden[p] || f.time < u.scales.x.min || f.time > u.scales.x.max) continue;
          const cx = u.valToPos(f.time, 'x', true);
          const v = log && !(f.value > 0) ? u.scales.y.min : f.value / scale;
          const cy = Math.min(Math.max(u.valToPos(v, 'y', true), bbox.top), bbox.top + bbox.height);
          const h = (4.5 + 1.75 * p) * pr();
          const s = f.direction === 'high' ? 1 : -1;
          ctx.fillStyle = data.colours.timeframes[p];
          ctx.beginPath();
          ctx.moveTo(cx, cy - s * h * 1.15);
          ctx.lineTo(cx + h, cy + s * h * 0.85);
          ctx.lineTo(cx - h, cy + s * h * 0.85);
          ctx.closePath();
          ctx.fill();
          ctx.stroke();
          drawn++;
        }
      });
      showStatus(u, figure, drawn);
    };
  }

  function showStatus(u, figure, drawn) {
    const { min, max } = u.scales.x;
    figure.dataset.xMin = String(min);
    figure.dataset.xMax = String(max);
    figure.dataset.markers = String(drawn);
    figure.querySelector('.status').textContent =
      'Showing ' + when(min) + ' \u2013 ' + when(max) + ' \u00b7 ' + drawn + ' flag markers' +
      ' \u00b7 drag across the chart to zoom, double-click to reset';
  }

  function showReadout(c, figure) {
    const out = figure.querySelector('.readout');
    const hint = out.innerHTML;
    const flagsAt = new Map();
    for (const f of c.flags) flagsAt.set(f.time, (flagsAt.get(f.time) || []).concat(f));
    return (u) => {
      const i = u.cursor.idx;
      if (i === null || i === undefined) { out.innerHTML = hint; return; }
      const t = c.times[i];
      const parts = [el('b', {}, when(t)), document.createTextNode(' ' + c.metric + ' '), el('b', { class: 'value' }, fmt(c.values[i], c.unit)), el('br', {})];
      for (const b of c.bands) {
        const p = position(b.timeframe);
        const none = b.lower[i] === null && b.upper[i] === null;
        const span = el('span', { class: 'tf', 'data-timeframe': String(b.timeframe) });
        const swatch = el('i', {});
        swatch.style.background = data.colours.timeframes[p];
        span.append(swatch, b.timeframe + '-day ' + (none ? 'no fences' : fmt(b.lower[i], c.unit) + ' \u2026 ' + fmt(b.upper[i], c.unit)));
        const flag = (flagsAt.get(t) || []).find((f) => f.timeframe === b.timeframe);
        if (flag) {
          const score = flag.score === null ? 'IQR 0' : 'score ' + fmt(flag.score, '');
          span.append(' ', el('span', { class: 'flag' }, (flag.direction === 'high' ? '\u25b2 high' : '\u25bc low') + ', ' + score));
        }
        parts.push(span);
      }
      for (const ev of c.events) {
        if (t >= ev.from && t <= ev.to) parts.push(el('span', { class: 'event' }, ev.name + ': ' + ev.fact));
      }
      out.replaceChildren(...parts);
    };
  }

  /** Applies one chart's zoom to the other charts of its asset (uPlot syncs only the cursor). */
  function syncZoom(group) {
    return (u, scaleKey) => {
      if (scaleKey !== 'x' || group.busy) return;
      group.busy = true;
      const { min, max } = u.scales.x;
      for (const other of group.plots) {
        if (other !== u && (other.scales.x.min !== min || other.scales.x.max !== max)) other.setScale('x', { min, max });
      }
      group.busy = false;
    };
  }

  function size(container) {
    const width = Math.max(container.clientWidth, 240);
    return { width, height: width < 560 ? 230 : 300 };
  }

  function build(c) {
    const figure = document.getElementById(c.id);
    const container = figure.querySelector('.plot');
    if (c.times.length === 0) {
      container.append(el('p', { class: 'empty' }, 'no data in the period'));
      return;
    }
    const scale = 10 ** c.exponent;
    const log = c.axis === 'log';
    const y = c.values.map((v) => (drawable(v, log) ? v / scale : null));
    const key = 'riskfence-' + c.asset;
    if (!groups.has(key)) groups.set(key, { plots: [], busy: false });
    const group = groups.get(key);
    const box = size(container);
    const opts = {
      ...box,
      ms: 1,
      tzDate: (t) => uPlot.tzDate(new Date(t), 'Etc/UTC'),
      legend: { show: false },
      padding: [10, 36, 0, 0],
      cursor: { y: false, sync: { key, setSeries: false }, drag: { x: true, y: false, setScale: true }, points: { size: 7 } },
      scales: {
        x: { time: true, range: (u, min, max) => (min === max ? [min - DAY / 2, max + DAY / 2] : [min, max]) },
        y: { distr: log ? 3 : 1, log: 10, range: yRange(c, scale) },
      },
      series: [{}, { label: c.metric, stroke: data.colours.value, width: 1.5, spanGaps: false, points: { size: 4, fill: data.colours.value } }],
      axes: [
        { values: timeLabels, space: 90, label: 'date (UTC)', labelSize: 22, grid: { stroke: data.colours.grid }, ticks: { stroke: data.colours.grid } },
        {
          values: (u, splits) => splits.map((s) => (s === null ? '' : fmt(s * scale, c.unit))),
          size: axisSize(box.width >= 560 ? 84 : 0),
          splits: log ? decades : undefined,
          filter: log ? (u, splits) => splits : undefined,
          label: c.title,
          labelSize: 22,
          grid: { stroke: data.colours.grid },
          ticks: { stroke: data.colours.grid },
        },
      ],
      hooks: {
        drawClear: [drawEvents(c)],
        drawAxes: [drawFences(c, scale)],
        draw: [drawEventLabels(c), drawMarkers(c, scale, figure)],
        setCursor: [showReadout(c, figure)],
        setScale: [syncZoom(group)],
      },
    };
    const plot = new uPlot(opts, [c.times, y], container);
    plots.push(plot);
    group.plots.push(plot);
    new ResizeObserver(() => {
      const s = size(container);
      if (s.width !== plot.width || s.height !== plot.height) plot.setSize(s);
    }).observe(container);
  }

  for (const c of data.charts) build(c);

  for (const box of document.querySelectorAll('input[data-toggle]')) {
    box.addEventListener('change', () => {
      hidden[Number(box.dataset.toggle)] = !box.checked;
      for (const p of plots) p.redraw(false, false);
    });
  }
  window.addEventListener('beforeprint', () => { for (const p of plots) p.setSize({ width: 680, height: 260 }); });
  window.addEventListener('afterprint', () => { for (const p of plots) p.setSize(size(p.root.parentElement)); });
})();
`;
