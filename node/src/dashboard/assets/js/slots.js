// The market's recent slots: summaries for the charts and, fetched on demand, each slot's per-household settlements.

import { get } from './api.js';

export const WINDOW = 48;

export class Slots {
  constructor() {
    this.summaries = [];
    this.details = new Map();
    this.inflight = new Map();
  }

  setSummaries(list) {
    this.summaries = [...list].sort((a, b) => a.slot - b.slot).slice(-WINDOW);
  }

  push(summary) {
    const last = this.summaries[this.summaries.length - 1];
    if (last && summary.slot <= last.slot) {
      const i = this.summaries.findIndex((s) => s.slot === summary.slot);
      if (i >= 0) this.summaries[i] = summary;
      return;
    }
    this.summaries.push(summary);
    if (this.summaries.length > WINDOW) this.summaries.shift();
    const oldest = this.summaries[0].slot;
    for (const slot of this.details.keys()) if (slot < oldest) this.details.delete(slot);
  }

  latest() {
    return this.summaries[this.summaries.length - 1] || null;
  }

  // One request per slot even when several panels ask at once.
  async detail(slot) {
    if (this.details.has(slot)) return this.details.get(slot);
    if (this.inflight.has(slot)) return this.inflight.get(slot);
    const p = get(`/market/slots/${slot}`).then((d) => {
      this.details.set(slot, d);
      this.inflight.delete(slot);
      return d;
    }, (err) => {
      this.inflight.delete(slot);
      throw err;
    });
    this.inflight.set(slot, p);
    return p;
  }
}
