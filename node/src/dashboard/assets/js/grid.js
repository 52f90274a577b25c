// The grid panel, shown when the genesis has a topology (lots as feeders under one transformer):
// the latest slot's flows as a one-line diagram and a table (the paper's Figure 9), where a
// limit bound, and the last slots' energy between lots, losses, curtailment and unserved demand.

import { kwh } from './format.js';
import { renderChart, el as svg } from './svgchart.js';
import { COLORS } from './palette.js';
import { el, fact } from './dom.js';

const BOUND_COLOR = '#C00000';

function limitText(importWh, exportWh) {
  const one = (wh) => (wh === undefined || wh === null ? 'none' : kwh(wh));
  return `import ${one(importWh)} · export ${one(exportWh)}`;
}

function boundText(bound) {
  if (!bound) return '';
  const sides = [bound.import ? 'import' : null, bound.export ? 'export' : null].filter(Boolean);
  return sides.length ? `${sides.join(' and ')} limit bound` : '';
}

export class GridPanel {
  constructor({ root, now, diagram, table, chart, note }) {
    Object.assign(this, { root, now, diagram, table, chart, note });
    this.topology = null;
  }

  // The genesis topology from `/status` (`null` hides the panel: one pool, no limits).
  setTopology(topology) {
    this.topology = topology || null;
    this.root.hidden = !this.topology;
  }

  showSlot(detail) {
    if (!this.topology || !detail || !detail.flows) return;
    const f = detail.flows;
    const lots = this.topology.feeders.map((x) => x.lot);
    this.now.replaceChildren(
      fact(`between lots, slot ${detail.slot}`, kwh(f.inter_lot_wh), { 'data-value': f.inter_lot_wh }),
      fact('lost between lots', kwh(f.loss_wh), { 'data-value': f.loss_wh }),
      fact('grid import', kwh(f.grid_import_wh)),
      fact('grid export', kwh(f.grid_export_wh)),
      fact('loss factor', `${(this.topology.loss_ppm / 1e4).toLocaleString('en-US', { maximumFractionDigits: 4 })} %`),
      fact('transformer', boundText(f.transformer_bound) || 'within its limits',
        { class: f.transformer_bound && (f.transformer_bound.import || f.transformer_bound.export) ? 'bound' : null }),
    );
    this.root.dataset.slot = String(detail.slot);
    this.drawDiagram(lots, f);
    this.fillTable(lots, f);
  }

  drawDiagram(lots, f) {
    const width = Math.max(320, this.diagram.clientWidth || 480);
    const n = Math.max(lots.length, 1);
    const height = 190;
    const busY = 70;
    const lotY = 150;
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `flows of slot: ${lots.length} lots under one transformer` });
    const t = this.topology.transformer || {};
    const tb = f.transformer_bound || {};
    const tBound = tb.import || tb.export;
    root.append(svg('rect', { x: width / 2 - 60, y: 4, width: 120, height: 26, rx: 4, fill: 'none', stroke: tBound ? BOUND_COLOR : '#555', 'stroke-width': tBound ? 3 : 1 }));
    root.append(svg('text', { x: width / 2, y: 21, 'text-anchor': 'middle', 'font-size': 12 }, 'transformer'));
    root.append(svg('line', { x1: width / 2, y1: 30, x2: width / 2, y2: busY, stroke: tBound ? BOUND_COLOR : '#555', 'stroke-width': 2 }));
    root.append(svg('text', { x: width / 2 + 6, y: 48, 'font-size': 11 }, `grid ↓ ${kwh(f.grid_import_wh)} ↑ ${kwh(f.grid_export_wh)}`));
    root.append(svg('title', {}, `transformer limits: ${limitText(t.import_limit_wh, t.export_limit_wh)}`));
    root.append(svg('line', { x1: width / (2 * n), y1: busY, x2: width - width / (2 * n), y2: busY, stroke: '#555', 'stroke-width': 3 }));
    lots.forEach((lot, i) => {
      const x = (width * (i + 0.5)) / n;
      const flow = f.feeders[i] || {};
      const bound = flow.bound && (flow.bound.import || flow.bound.export);
      const color = bound ? BOUND_COLOR : '#555';
      const g = svg('g', { 'data-lot': lot, class: bound ? 'bound' : null });
      g.append(svg('line', { x1: x, y1: busY, x2: x, y2: lotY, stroke: color, 'stroke-width': bound ? 3 : 2 }));
      g.append(svg('text', { x: x + 4, y: busY + 22, 'font-size': 11, fill: COLORS.supply }, `↑ ${kwh(flow.to_lots_wh + flow.grid_export_wh)}`));
      g.append(svg('text', { x: x + 4, y: busY + 38, 'font-size': 11, fill: COLORS.demand }, `↓ ${kwh(flow.from_lots_wh + flow.grid_import_wh)}`));
      g.append(svg('rect', { x: x - 45, y: lotY, width: 90, height: 24, rx: 4, fill: '#f4f4f4', stroke: color }));
      g.append(svg('text', { x, y: lotY + 16, 'text-anchor': 'middle', 'font-size': 12 }, lot.length > 14 ? `${lot.slice(0, 13)}…` : lot));
      g.append(svg('title', {}, `${lot}: local ${kwh(flow.local_wh)}; ${boundText(flow.bound) || 'within its limits'}`));
      root.append(g);
    });
    this.diagram.replaceChildren(root);
  }

  fillTable(lots, f) {
    const rows = lots.map((lot, i) => {
      const x = f.feeders[i] || {};
      const limits = this.topology.feeders[i] || {};
      return el('tr', { 'data-lot': lot, class: x.bound && (x.bound.import || x.bound.export) ? 'bound' : null },
        [lot, kwh(x.local_wh), kwh(x.to_lots_wh), kwh(x.loss_wh), kwh(x.from_lots_wh), kwh(x.grid_export_wh), kwh(x.grid_import_wh),
          kwh(x.curtailed_wh), kwh(x.unserved_wh), limitText(limits.import_limit_wh, limits.export_limit_wh), boundText(x.bound) || '—']
          .map((cell) => el('td', null, cell)));
    });
    this.table.querySelector('tbody').replaceChildren(...rows);
  }

  // The last slots' `grid` summaries (`/market/slots`), one chart.
  render(summaries) {
    if (!this.topology) return;
    const withGrid = summaries.filter((s) => s.grid);
    const k = (wh) => wh / 1000;
    renderChart(this.chart, {
      title: 'Between lots per slot (kWh; losses, curtailment and unserved demand below zero)',
      xs: withGrid.map((s) => s.slot),
      series: [
        { label: 'delivered between lots', values: withGrid.map((s) => k(s.grid.inter_lot_wh)), color: COLORS.p2p, kind: 'bar' },
        { label: 'lost', values: withGrid.map((s) => -k(s.grid.loss_wh)), color: BOUND_COLOR, kind: 'bar' },
        { label: 'curtailed', values: withGrid.map((s) => -k(s.grid.curtailed_wh)), color: COLORS.gridExport, kind: 'bar' },
        { label: 'unserved', values: withGrid.map((s) => -k(s.grid.unserved_wh)), color: COLORS.gridImport, kind: 'bar' },
      ],
      yFormat: (v) => v.toLocaleString('en-US', { maximumFractionDigits: 2 }),
    });
    this.describeBounds(withGrid);
  }

  // Where a limit bound over the charted slots, counted per connection.
  describeBounds(withGrid) {
    const lots = this.topology.feeders.map((x) => x.lot);
    const counts = new Map();
    const bump = (name) => counts.set(name, (counts.get(name) || 0) + 1);
    let slotsBound = 0;
    for (const s of withGrid) {
      const tb = s.grid.transformer_bound;
      if (tb.import || tb.export) bump('transformer');
      for (const i of s.grid.feeders_bound) bump(lots[i] === undefined ? `feeder ${i}` : lots[i]);
      if (tb.import || tb.export || s.grid.feeders_bound.length > 0) slotsBound++;
    }
    this.note.dataset.boundSlots = String(slotsBound);
    this.note.textContent = slotsBound === 0
      ? `No limit bound in the last ${withGrid.length} slots.`
      : `A limit bound in ${slotsBound} of the last ${withGrid.length} slots: ${[...counts].map(([name, c]) => `${name} ${c}×`).join(', ')}.`;
  }
}
