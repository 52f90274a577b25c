// One home's detail: its registration, token balance and, per recent slot, its bid, trades, battery and bill.

import { get } from './api.js';
import { kwh, kw, tokens, integer } from './format.js';
import { renderChart } from './svgchart.js';
import { COLORS } from './palette.js';

const HISTORY = 24;

function fact(label, value, raw) {
  const rawAttr = raw === undefined ? '' : ` data-value="${raw}"`;
  return `<div><dt>${label}</dt><dd${rawAttr}>${value}</dd></div>`;
}

export class HomeDetail {
  constructor(root, slots) {
    this.root = root;
    this.slots = slots;
    this.address = null;
    this.generation = 0;
  }

  async show(address) {
    this.address = address;
    this.root.dataset.address = address;
    this.root.dataset.loaded = 'false';
    await this.refresh();
  }

  // Re-read on every new block: the balance moves with each settlement and mint.
  async refresh() {
    if (!this.address) return;
    const address = this.address;
    const generation = ++this.generation;
    const account = await get(`/accounts/${address}`);
    let history = [];
    try {
      history = await this.slots.recentDetails(HISTORY);
    } catch (err) {
      console.warn(`home history: ${err.message}`);
    }
    if (generation !== this.generation || address !== this.address) return;
    this.render(account, history);
  }

  render(account, history) {
    const h = account.household;
    const rows = [];
    let paid = 0;
    let received = 0;
    const xs = [];
    const bought = [];
    const sold = [];
    for (const slot of history) {
      const s = (slot.settlements || []).find((x) => x.household === account.address);
      xs.push(slot.slot);
      bought.push(s && s.side === 'buy' ? s.quantity_wh / 1000 : 0);
      sold.push(s && s.side === 'sell' ? -s.quantity_wh / 1000 : 0);
      if (!s) continue;
      if (s.side === 'buy') paid += s.amount; else received += s.amount;
      rows.push(`<tr><td>${slot.slot}</td><td>${s.side}</td><td>${kwh(s.quantity_wh)}</td><td>${kwh(s.p2p_wh)}</td><td>${kwh(s.grid_wh)}</td><td>${s.side === 'buy' ? '−' : '+'}${tokens(s.amount)}</td><td>${s.battery_soc_wh === null || s.battery_soc_wh === undefined ? '—' : kwh(s.battery_soc_wh)}</td></tr>`);
    }
    const reg = h ? [
      fact('kind', h.kind), fact('lot', h.lot), fact('status', h.status),
      fact('PV capacity', kw(h.pv_capacity_w)), fact('battery', `${kwh(h.battery_wh)} · ${kw(h.battery_w)}`),
      fact('import limit', kw(h.import_limit_w)),
    ].join('') : fact('household', 'not registered');
    const net = paid - received;
    this.root.innerHTML = `
      <p class="addr" id="home-address">${account.address}</p>
      <dl class="facts">
        ${fact('balance', tokens(account.balance), account.balance)}
        ${fact('nonce', integer(account.nonce), account.nonce)}
        ${reg}
      </dl>
      <dl class="facts">
        ${fact(`paid, last ${history.length} slots`, tokens(paid), paid)}
        ${fact(`received, last ${history.length} slots`, tokens(received), received)}
        ${fact('net bill', `${net >= 0 ? '' : '−'}${tokens(Math.abs(net))}`, net)}
      </dl>
      <div class="home-chart"></div>
      <p class="hint">A bid is the home's net position after its own PV, battery and flexible load: the meter's separate generation and demand stay off chain.</p>
      <div class="scroll"><table class="table">
        <thead><tr><th scope="col">slot</th><th scope="col">side</th><th scope="col">bid</th><th scope="col">P2P</th><th scope="col">grid</th><th scope="col">amount</th><th scope="col">battery</th></tr></thead>
        <tbody>${rows.reverse().join('') || '<tr><td colspan="7">no bids in these slots</td></tr>'}</tbody>
      </table></div>`;
    renderChart(this.root.querySelector('.home-chart'), {
      title: 'Bids per slot (kWh)',
      xs,
      series: [
        { label: 'bought', values: bought, color: COLORS.demand, kind: 'bar' },
        { label: 'sold', values: sold, color: COLORS.supply, kind: 'bar' },
      ],
      yFormat: (v) => `${v.toFixed(1)}`,
      height: 130,
    });
    this.root.dataset.loaded = 'true';
    this.root.dataset.balance = String(account.balance);
  }
}
