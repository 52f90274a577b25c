// The market panel: the latest clearing in numbers and the last 48 slots as charts (volumes, SDR, prices, P2P versus grid).

import { kwh, price, tokens, sdr, sdrValue } from './format.js';
import { renderChart } from './svgchart.js';
import { COLORS } from './palette.js';
import { fact } from './dom.js';

const SDR_CAP = 2;

export class MarketPanel {
  constructor(now, charts, subtitle) {
    this.now = now;
    this.charts = charts;
    this.subtitle = subtitle;
    this.boxes = ['volumes', 'sdr', 'prices', 'energy'].map((name) => {
      const div = document.createElement('div');
      div.className = `chart-box chart-${name}`;
      charts.appendChild(div);
      return div;
    });
  }

  render(summaries) {
    const last = summaries[summaries.length - 1];
    if (!last) {
      this.now.replaceChildren(fact('market', 'no slot cleared yet'));
      return;
    }
    this.subtitle.textContent = `slot ${last.slot} · ${last.mechanism} · last ${summaries.length} slots`;
    this.now.replaceChildren(
      fact('supply (TSP)', kwh(last.tsp_wh)),
      fact('demand (TBP)', kwh(last.tbp_wh)),
      fact('SDR', sdr(last)),
      fact('buy price', price(last.price_buy)),
      fact('sell price', price(last.price_sell)),
      fact('grid retail', price(last.grid_buy_price)),
      fact('grid feed-in', price(last.grid_sell_price)),
      fact('P2P', kwh(last.p2p_wh)),
      fact('grid import', kwh(last.grid_import_wh)),
      fact('grid export', kwh(last.grid_export_wh)),
      fact('minted', tokens(typeof last.minted === 'object' && last.minted !== null ? Object.values(last.minted).reduce((a, b) => a + (Number(b) || 0), 0) : last.minted)),
    );
    this.now.dataset.slot = String(last.slot);

    const xs = summaries.map((s) => s.slot);
    const k = (wh) => wh / 1000;
    const p = (micro) => micro / 1e6;
    renderChart(this.boxes[0], {
      title: 'Supply and demand (kWh per slot)',
      xs,
      series: [
        { label: 'supply offered (TSP)', values: summaries.map((s) => k(s.tsp_wh)), color: COLORS.supply },
        { label: 'demand bid (TBP)', values: summaries.map((s) => k(s.tbp_wh)), color: COLORS.demand },
      ],
      yFormat: (v) => v.toLocaleString('en-US', { maximumFractionDigits: 1 }),
      yMin: 0,
    });
    // Above 1 every price is the feed-in price, so the chart caps the SDR where the pricing stops changing.
    renderChart(this.boxes[1], {
      title: `Supply-demand ratio (SDR; above ${SDR_CAP} drawn at ${SDR_CAP})`,
      xs,
      series: [
        { label: 'SDR', values: summaries.map((s) => { const v = sdrValue(s); return v === null ? SDR_CAP : Math.min(v, SDR_CAP); }), color: COLORS.sdr },
        { label: 'SDR = 1', values: summaries.map(() => 1), color: COLORS.neutral, dash: '4 3' },
      ],
      yFormat: (v) => v.toFixed(2),
      yMin: 0,
      height: 120,
    });
    renderChart(this.boxes[2], {
      title: 'Prices (tokens/kWh)',
      xs,
      series: [
        { label: 'internal buy', values: summaries.map((s) => p(s.price_buy)), color: COLORS.priceBuy },
        { label: 'internal sell', values: summaries.map((s) => p(s.price_sell)), color: COLORS.priceSell },
        { label: 'grid retail', values: summaries.map((s) => p(s.grid_buy_price)), color: COLORS.gridBuy, dash: '6 3' },
        { label: 'grid feed-in', values: summaries.map((s) => p(s.grid_sell_price)), color: COLORS.gridSell, dash: '2 3' },
      ],
      yFormat: (v) => v.toLocaleString('en-US', { maximumFractionDigits: 4 }),
      yMin: 0,
    });
    renderChart(this.boxes[3], {
      title: 'Energy: peer-to-peer versus grid (kWh; export below zero)',
      xs,
      series: [
        { label: 'P2P', values: summaries.map((s) => k(s.p2p_wh)), color: COLORS.p2p, kind: 'bar' },
        { label: 'grid import', values: summaries.map((s) => k(s.grid_import_wh)), color: COLORS.gridImport, kind: 'bar' },
        { label: 'grid export', values: summaries.map((s) => -k(s.grid_export_wh)), color: COLORS.gridExport, kind: 'bar' },
      ],
      yFormat: (v) => v.toLocaleString('en-US', { maximumFractionDigits: 1 }),
    });
  }
}
