// Units for people: the chain stores Wh, micro-tokens and micro-tokens per kWh as integers.

const MICRO = 1e6;

export function kwh(wh) {
  if (wh === null || wh === undefined) return '—';
  const k = wh / 1000;
  return `${k.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: Math.abs(k) >= 100 ? 1 : 3 })} kWh`;
}

export function kw(w) {
  if (w === null || w === undefined) return '—';
  return `${(w / 1000).toLocaleString('en-US', { maximumFractionDigits: 2 })} kW`;
}

export function tokens(micro) {
  if (micro === null || micro === undefined) return '—';
  return `${(micro / MICRO).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 })} tokens`;
}

export function price(microPerKwh) {
  if (microPerKwh === null || microPerKwh === undefined) return '—';
  return `${(microPerKwh / MICRO).toLocaleString('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 6 })} tokens/kWh`;
}

export function millis(ms) {
  if (ms === null || ms === undefined) return '—';
  return `${Number(ms).toLocaleString('en-US', { maximumFractionDigits: 1 })} ms`;
}

export function percent(x) {
  return `${(x * 100).toLocaleString('en-US', { maximumFractionDigits: 1 })} %`;
}

export function integer(n) {
  if (n === null || n === undefined) return '—';
  return Number(n).toLocaleString('en-US');
}

export function shortHex(hex) {
  if (!hex) return '—';
  return hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex;
}

export function time(ms) {
  if (!ms) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

// The SDR is an exact rational on chain; the node also sends its decimal form.
export function sdr(slot) {
  if (slot.sdr_decimal === 'inf') return '∞ (no demand)';
  if (slot.sdr_decimal !== undefined && slot.sdr_decimal !== null) return String(slot.sdr_decimal);
  if (slot.sdr && slot.sdr.den) return (slot.sdr.num / slot.sdr.den).toFixed(4);
  return '∞';
}

export function sdrValue(slot) {
  if (slot.sdr_decimal !== undefined && slot.sdr_decimal !== null) {
    const v = Number(slot.sdr_decimal);
    if (Number.isFinite(v)) return v;
  }
  if (slot.sdr && slot.sdr.den) return slot.sdr.num / slot.sdr.den;
  return null;
}
