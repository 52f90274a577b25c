// One home's detail: its registration, token balance, latest meter reading and, per recent slot
// (the node's last 48), its metered generation and demand, battery, bid, trades and bill.

import { get } from './api.js';
import { kwh, kw, tokens, integer, percent } from './format.js';
import { renderChart } from './svgchart.js';
import { COLORS } from './palette.js';
import { el, fact as factWith } from './dom.js';
import { VerifyPanel } from './verifyview.js';

// A fact whose `<dd>` also carries the raw number (read by the browser test).
function fact(label, value, raw) {
  return factWith(label, value, raw === undefined ? null : { 'data-value': raw });
}

// The metered settlement of a slot: the meter's net export against the bid, and what the
// imbalance moved (`chain::metering`; present only when the genesis meters settlement).
function meteredText(m) {
  if (!m) return 'pending';
  const deviation = m.metered_wh - m.allocated_wh;
  const money = m.charged > 0 ? ` · −${tokens(m.charged)}` : m.credited > 0 ? ` · +${tokens(m.credited)}` : '';
  return `${kwh(m.metered_wh)} (${deviation >= 0 ? '+' : '−'}${kwh(Math.abs(deviation))})${money}`;
}

function socText(m) {
  if (!m) return '—';
  if (!m.battery_capacity_wh) return 'no battery';
  return `${kwh(m.battery_soc_wh)} of ${kwh(m.battery_capacity_wh)} (${percent(m.battery_soc_wh / m.battery_capacity_wh)})`;
}

export class HomeDetail {
  constructor(root) {
    this.root = root;
    this.address = null;
    this.generation = 0;
    // Kept across re-renders (each block re-renders the view): a verification may be running.
    this.verifyPanel = new VerifyPanel();
  }

  async show(address) {
    this.address = address;
    this.verifyPanel.setAddress(address);
    this.root.dataset.address = address;
    this.root.dataset.loaded = 'false';
    await this.refresh();
  }

  // Re-read on every new block: the balance moves with each settlement and mint, the history with each slot.
  async refresh() {
    if (!this.address) return;
    const address = this.address;
    const generation = ++this.generation;
    const account = await get(`/accounts/${address}`);
    let detail = null;
    if (account.household) detail = await get(`/households/${address}`);
    if (generation !== this.generation || address !== this.address) return;
    this.render(account, detail);
  }

  render(account, detail) {
    const h = account.household;
    const history = detail ? detail.history : [];
    const meter = h ? h.meter : null;
    const rows = [];
    let paid = 0;
    let received = 0;
    const metering = history.some((e) => 'metered' in e);
    let imbalance = 0;
    let meteredSlots = 0;
    const xs = [];
    const generated = [];
    const demanded = [];
    const soc = [];
    const bought = [];
    const sold = [];
    for (const e of history) {
      const m = e.meter;
      const b = e.bid;
      const s = e.settlement;
      xs.push(e.slot);
      generated.push(m ? m.generation_wh / 1000 : null);
      demanded.push(m ? m.load_wh / 1000 : null);
      soc.push(m && m.battery_capacity_wh ? m.battery_soc_wh / 1000 : null);
      bought.push(b && b.side === 'buy' ? b.quantity_wh / 1000 : 0);
      sold.push(b && b.side === 'sell' ? -b.quantity_wh / 1000 : 0);
      if (s && b) {
        if (b.side === 'buy') paid += s.amount; else received += s.amount;
      }
      if (e.metered) {
        imbalance += e.metered.credited - e.metered.charged;
        meteredSlots++;
      }
      const meterAttrs = m ? { 'data-generation': m.generation_wh, 'data-load': m.load_wh, 'data-soc': m.battery_soc_wh } : {};
      if (e.metered) meterAttrs['data-metered'] = e.metered.metered_wh;
      rows.push(el('tr', { 'data-slot': e.slot, ...meterAttrs },
        [
          e.slot,
          m ? kwh(m.generation_wh) : '—',
          m ? kwh(m.load_wh) : '—',
          m && m.battery_capacity_wh ? kwh(m.battery_soc_wh) : '—',
          b ? `${b.side} ${kwh(b.quantity_wh)}` : m ? 'none (balanced)' : '—',
          s ? kwh(s.p2p_wh) : '—',
          s ? kwh(s.grid_wh) : '—',
          !b ? '—' : s ? `${b.side === 'buy' ? '−' : '+'}${tokens(s.amount)}` : 'pending',
          metering ? meteredText(e.metered) : null,
        ].filter((cell) => cell !== null).map((cell) => el('td', null, cell))));
    }
    // Kind and lot are whatever the registration said: text only, like everything else here.
    const reg = h ? [
      fact('kind', h.kind), fact('lot', h.lot), fact('status', h.status),
      fact('PV capacity', kw(h.pv_capacity_w)), fact('battery', `${kwh(h.battery_wh)} · ${kw(h.battery_w)}`),
      fact('import limit', kw(h.import_limit_w)),
    ] : [fact('household', 'not registered')];
    const reading = meter
      ? el('dl', {
        class: 'facts meter', 'data-slot': meter.slot, 'data-generation': meter.generation_wh, 'data-load': meter.load_wh,
        'data-soc': meter.battery_soc_wh, 'data-capacity': meter.battery_capacity_wh,
      },
      fact(`generation, slot ${meter.slot}`, kwh(meter.generation_wh)),
      fact(`demand, slot ${meter.slot}`, kwh(meter.load_wh)),
      fact('battery state of charge', socText(meter)))
      : el('p', { class: 'hint' }, 'No meter reading on chain yet.');
    const net = paid - received;
    const settledCount = history.filter((e) => e.settlement).length;
    const columns = ['slot', 'generation', 'demand', 'battery', 'bid', 'P2P', 'grid', 'amount'];
    if (metering) columns.push('metered (deviation)');
    const body = rows.length > 0 ? rows.reverse() : [el('tr', null, el('td', { colspan: columns.length }, 'no bids in the last 48 slots'))];
    // replaceChildren would show a null as the text "null": children left out are filtered.
    this.root.replaceChildren(...[
      el('p', { class: 'addr', id: 'home-address' }, account.address),
      el('dl', { class: 'facts' },
        fact('balance', tokens(account.balance), account.balance),
        fact('nonce', integer(account.nonce), account.nonce),
        reg),
      reading,
      this.verifyPanel.element,
      el('dl', { class: 'facts' },
        fact(`paid, ${settledCount} settled slots`, tokens(paid), paid),
        fact(`received, ${settledCount} settled slots`, tokens(received), received),
        fact('net bill', `${net >= 0 ? '' : '−'}${tokens(Math.abs(net))}`, net),
        metering ? fact(`imbalance, ${meteredSlots} metered slots`, `${imbalance >= 0 ? '+' : '−'}${tokens(Math.abs(imbalance))}`, imbalance) : null),
      el('div', { class: 'home-chart', id: 'home-energy' }),
      el('div', { class: 'home-chart', id: 'home-bids' }),
      el('p', { class: 'hint' }, "Generation, demand and battery are the meter's readings, signed with each bid; a bid is the net position after the home's own PV and battery. In a slot the battery balanced exactly, the home sends its reading with a 0 kWh bid."),
      metering ? el('p', { class: 'hint' }, "Metered settlement: a bid is the home's forecast. Once the slot has cleared, its meter reading is settled against the bid: a shortfall is bought from the grid and a surplus sold to it, at the imbalance prices.") : null,
      el('div', { class: 'scroll' }, el('table', { class: 'table', id: 'home-history' },
        el('thead', null, el('tr', null, columns.map((c) => el('th', { scope: 'col' }, c)))),
        el('tbody', null, body))),
    ].filter((child) => child !== null));
    renderChart(this.root.querySelector('#home-energy'), {
      title: 'Generation and demand per slot (kWh)',
      xs,
      series: [
        { label: 'generation (PV)', values: generated, color: COLORS.supply },
        { label: 'demand (load)', values: demanded, color: COLORS.demand },
        { label: 'battery state of charge', values: soc, color: COLORS.sdr, dash: '4 3' },
      ],
      yFormat: (v) => `${v.toFixed(1)}`,
      yMin: 0,
      height: 150,
    });
    renderChart(this.root.querySelector('#home-bids'), {
      title: 'Bids per slot (kWh)',
      xs,
      series: [
        { label: 'bought', values: bought, color: COLORS.demand, kind: 'bar' },
        { label: 'sold', values: sold, color: COLORS.supply, kind: 'bar' },
      ],
      yFormat: (v) => `${v.toFixed(1)}`,
      height: 110,
    });
    this.root.dataset.loaded = 'true';
    this.root.dataset.balance = String(account.balance);
  }
}
