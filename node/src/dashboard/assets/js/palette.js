// Colour-blind-safe colours (Okabe & Ito 2008; blue–orange diverging scale) shared by tiles, charts and legends.

export const COLORS = {
  supply: '#0072B2',
  demand: '#D55E00',
  sdr: '#009E73',
  priceBuy: '#D55E00',
  priceSell: '#0072B2',
  gridBuy: '#CC79A7',
  gridSell: '#56B4E9',
  p2p: '#009E73',
  gridImport: '#E69F00',
  gridExport: '#56B4E9',
  latency: '#0072B2',
  neutral: '#000000',
};

// Net position bins in Wh: blue shades sell (surplus), orange shades buy (deficit).
export const NET_BINS = [
  { key: 'sell-3', min: -Infinity, max: -3000, color: '#08306b', label: 'sells > 3 kWh' },
  { key: 'sell-2', min: -3000, max: -1000, color: '#2171b5', label: 'sells 1–3 kWh' },
  { key: 'sell-1', min: -1000, max: 0, color: '#9ecae1', label: 'sells < 1 kWh' },
  { key: 'idle', min: 0, max: 0, color: '#e0e0e0', label: 'no bid' },
  { key: 'buy-1', min: 0, max: 1000, color: '#fdd0a2', label: 'buys < 1 kWh' },
  { key: 'buy-2', min: 1000, max: 3000, color: '#fd8d3c', label: 'buys 1–3 kWh' },
  { key: 'buy-3', min: 3000, max: Infinity, color: '#a63603', label: 'buys > 3 kWh' },
];

export function netBin(netWh) {
  if (netWh === null || netWh === undefined || netWh === 0) return NET_BINS[3];
  if (netWh < 0) {
    if (netWh <= -3000) return NET_BINS[0];
    if (netWh <= -1000) return NET_BINS[1];
    return NET_BINS[2];
  }
  if (netWh >= 3000) return NET_BINS[6];
  if (netWh >= 1000) return NET_BINS[5];
  return NET_BINS[4];
}
