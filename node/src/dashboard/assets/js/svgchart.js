// Small time-series charts drawn as inline SVG: lines, dashed reference lines and signed stacked bars.

const NS = 'http://www.w3.org/2000/svg';

// An SVG element; null and undefined attributes are left out (the grid diagram uses it too).
export function el(name, attrs = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// Round tick steps (1, 2, 5 × 10^n) so axis labels stay readable.
function niceStep(span, count) {
  const raw = span / Math.max(count, 1);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / mag;
  const step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return step * mag;
}

function extent(spec) {
  let lo = Infinity;
  let hi = -Infinity;
  const n = spec.xs.length;
  for (const s of spec.series) {
    if (s.kind === 'bar') continue;
    for (const v of s.values) {
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  for (let i = 0; i < n; i++) {
    let up = 0;
    let down = 0;
    for (const s of spec.series) {
      if (s.kind !== 'bar') continue;
      const v = s.values[i] || 0;
      if (v >= 0) up += v; else down += v;
    }
    if (spec.series.some((s) => s.kind === 'bar')) {
      lo = Math.min(lo, down);
      hi = Math.max(hi, up);
    }
  }
  if (spec.yMin !== undefined) lo = Math.min(lo, spec.yMin);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) return [spec.yMin !== undefined ? Math.min(spec.yMin, lo) : lo - 1, hi + 1];
  return [lo, hi];
}

/// Draws `spec` into `container` (replacing what was there):
/// { title, xs: [slot..], series: [{label, values, color, kind: 'line'|'bar', dash}], yFormat, height }
export function renderChart(container, spec) {
  const width = Math.max(container.clientWidth || 320, 240);
  const height = spec.height || 150;
  const m = { top: 8, right: 10, bottom: 22, left: 62 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const n = spec.xs.length;

  const [lo0, hi0] = extent(spec);
  const step = niceStep(hi0 - lo0, 4);
  const lo = Math.floor(lo0 / step) * step;
  const hi = Math.ceil(hi0 / step) * step;
  const y = (v) => m.top + h - ((v - lo) / (hi - lo || 1)) * h;
  const slotW = n > 0 ? w / n : w;
  const x = (i) => m.left + slotW * (i + 0.5);

  const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': spec.title });
  svg.appendChild(el('title', {}, spec.title));

  for (let v = lo; v <= hi + step / 2; v += step) {
    svg.appendChild(el('line', { x1: m.left, x2: m.left + w, y1: y(v), y2: y(v), class: v === 0 ? 'axis zero' : 'grid' }));
    svg.appendChild(el('text', { x: m.left - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, spec.yFormat(v)));
  }
  const labelEvery = Math.max(1, Math.ceil(n / 8));
  for (let i = 0; i < n; i += labelEvery) {
    svg.appendChild(el('text', { x: x(i), y: height - 6, 'text-anchor': 'middle', class: 'tick' }, String(spec.xs[i])));
  }

  const bars = spec.series.filter((s) => s.kind === 'bar');
  for (let i = 0; i < n; i++) {
    let up = 0;
    let down = 0;
    for (const s of bars) {
      const v = s.values[i] || 0;
      if (v === 0) continue;
      const from = v >= 0 ? up : down;
      const to = from + v;
      if (v >= 0) up = to; else down = to;
      const top = Math.min(y(from), y(to));
      const rect = el('rect', { x: x(i) - slotW * 0.4, y: top, width: Math.max(slotW * 0.8, 1), height: Math.abs(y(from) - y(to)), fill: s.color });
      rect.appendChild(el('title', {}, `slot ${spec.xs[i]}: ${s.label} ${spec.yFormat(Math.abs(v))}`));
      svg.appendChild(rect);
    }
  }

  for (const s of spec.series) {
    if (s.kind === 'bar') continue;
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined || !Number.isFinite(v)) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    if (!d) continue;
    const path = el('path', { d, fill: 'none', stroke: s.color, 'stroke-width': s.dash ? 1.5 : 2, class: 'series' });
    if (s.dash) path.setAttribute('stroke-dasharray', s.dash);
    svg.appendChild(path);
  }

  const figure = document.createElement('figure');
  figure.className = 'chart';
  const caption = document.createElement('figcaption');
  const strong = document.createElement('strong');
  strong.textContent = spec.title;
  caption.appendChild(strong);
  for (const s of spec.series) {
    const key = document.createElement('span');
    key.className = 'key';
    const swatch = document.createElement('i');
    swatch.className = s.kind === 'bar' ? 'swatch bar' : s.dash ? 'swatch dash' : 'swatch';
    swatch.style.setProperty('--c', s.color);
    key.append(swatch, document.createTextNode(s.label));
    caption.appendChild(key);
  }
  figure.append(caption, svg);
  container.replaceChildren(figure);
}
