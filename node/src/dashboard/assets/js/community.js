// The community: one tile per household, coloured by its net position in the latest cleared slot, with its battery's state of charge.

import { NET_BINS, netBin } from './palette.js';
import { kwh, shortHex } from './format.js';
import { el } from './dom.js';

export class Community {
  constructor(root, legend, subtitle, onSelect) {
    this.root = root;
    this.subtitle = subtitle;
    this.onSelect = onSelect;
    this.tiles = new Map();
    this.households = [];
    this.selected = null;
    this.renderLegend(legend);
  }

  renderLegend(legend) {
    const items = NET_BINS.map((b) => el('span', { class: 'key' }, el('i', { class: 'swatch tile-swatch', style: { '--c': b.color } }), b.label));
    items.push(el('span', { class: 'key' }, el('i', { class: 'swatch soc-swatch' }), 'battery state of charge (bar height)'));
    legend.replaceChildren(el('strong', null, 'Net position, latest slot'), ' ', ...items);
  }

  // Tiles follow the registry order; only approved homes trade (pending ones wait in the administrator's view).
  setHouseholds(households) {
    const trading = households.filter((h) => h.status === 'approved');
    const same = trading.length === this.households.length && trading.every((h, i) => h.address === this.households[i].address && h.status === this.households[i].status);
    this.households = trading;
    this.byAddress = new Map(trading.map((h) => [h.address, h]));
    if (same) return;
    const frag = document.createDocumentFragment();
    this.tiles.clear();
    for (const h of trading) {
      const tile = document.createElement('button');
      tile.type = 'button';
      tile.className = 'tile';
      tile.setAttribute('role', 'listitem');
      tile.dataset.address = h.address;
      tile.dataset.bin = 'idle';
      tile.append(el('span', { class: 'soc' }));
      tile.addEventListener('click', () => this.select(h.address));
      this.tiles.set(h.address, tile);
      this.label(tile, h, null, null);
      frag.appendChild(tile);
    }
    this.root.replaceChildren(frag);
    if (this.selected && this.tiles.has(this.selected)) this.tiles.get(this.selected).classList.add('selected');
    this.root.dataset.count = String(this.tiles.size);
  }

  label(tile, h, s, socWh) {
    const pos = s ? `${s.side === 'buy' ? 'buys' : 'sells'} ${kwh(s.quantity_wh)}` : 'no bid';
    const soc = socWh !== null && socWh !== undefined ? `, battery ${kwh(socWh)}` : '';
    tile.setAttribute('aria-label', `${h.kind} lot ${h.lot} (${shortHex(h.address)}): ${pos}${soc}`);
    tile.title = tile.getAttribute('aria-label');
  }

  // `settlements` are one slot's (from /market/slots/{slot}).
  showSlot(slot, settlements) {
    const bySettle = new Map(settlements.map((s) => [s.household, s]));
    let buyers = 0;
    let sellers = 0;
    for (const [addr, tile] of this.tiles) {
      const s = bySettle.get(addr);
      const h = this.byAddress.get(addr);
      const net = s ? (s.side === 'buy' ? s.quantity_wh : -s.quantity_wh) : 0;
      if (s && s.side === 'buy') buyers++;
      if (s && s.side === 'sell') sellers++;
      const bin = netBin(net);
      tile.dataset.bin = bin.key;
      tile.style.setProperty('--c', bin.color);
      // The slot's own reading when the home bid in it, else its latest reading on chain.
      const socWh = s && s.battery_soc_wh !== null && s.battery_soc_wh !== undefined
        ? s.battery_soc_wh
        : (h && h.meter ? h.meter.battery_soc_wh : null);
      const cap = h && h.battery_wh ? h.battery_wh : 0;
      const soc = socWh !== null && cap > 0 ? Math.min(1, socWh / cap) : 0;
      tile.style.setProperty('--soc', soc.toFixed(3));
      if (socWh !== null && cap > 0) tile.dataset.soc = String(socWh); else delete tile.dataset.soc;
      if (h) this.label(tile, h, s, cap > 0 ? socWh : null);
    }
    this.subtitle.textContent = `${this.tiles.size} homes · slot ${slot} · ${buyers} buying, ${sellers} selling`;
    this.root.dataset.slot = String(slot);
  }

  select(address) {
    if (this.selected && this.tiles.has(this.selected)) this.tiles.get(this.selected).classList.remove('selected');
    this.selected = address;
    const tile = this.tiles.get(address);
    if (tile) tile.classList.add('selected');
    this.onSelect(address);
  }
}
