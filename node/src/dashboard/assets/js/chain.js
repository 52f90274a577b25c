// The chain panel: head, peers, commit latency over time, validators with their voting power, recent blocks and their transactions.

import { get } from './api.js';
import { integer, millis, shortHex, time, percent } from './format.js';
import { renderChart } from './svgchart.js';
import { COLORS } from './palette.js';
import { el, fact } from './dom.js';

const LATENCY_WINDOW = 120;
const RECENT = 12;

function txCount(block) {
  if (Array.isArray(block.txs)) return block.txs.length;
  return Number(block.txs) || 0;
}

// A scheduled protocol upgrade, and whether this node's release runs it (docs/operator.md, "Upgrades").
function upgradeFacts(s, height) {
  const u = s.upgrade;
  if (!u) return [];
  const left = Number(u.height) - Number(height);
  const when = left > 0 ? `in ${integer(left)} blocks` : 'now';
  const runs = Number(u.version) <= Number(s.protocol_versions_supported);
  const note = runs ? 'this release runs it' : `this release runs up to ${s.protocol_versions_supported}: install one that runs ${u.version}`;
  return [fact('upgrade', `to protocol ${u.version} at height ${integer(u.height)} (${when}); ${note}`, { id: 'chain-upgrade' })];
}

export class ChainPanel {
  constructor({ now, latency, validators, blocks }) {
    this.nowEl = now;
    this.latencyEl = latency;
    this.validatorsEl = validators;
    this.blocksEl = blocks;
    this.blocks = [];
    this.status = null;
    this.monikers = new Map();
  }

  setStatus(status) {
    this.status = status;
    this.renderNow();
  }

  // Keeps block summaries (the SSE shape) in height order, newest last.
  addBlock(b) {
    const summary = {
      height: b.height,
      slot: b.slot !== undefined ? b.slot : b.header && b.header.slot,
      hash: b.hash,
      proposer: b.proposer !== undefined ? b.proposer : b.header && b.header.proposer,
      txs: txCount(b),
      commit_latency_ms: b.commit_latency_ms,
      time_ms: b.time_ms !== undefined ? b.time_ms : b.header && b.header.time_ms,
    };
    const last = this.blocks[this.blocks.length - 1];
    if (last && summary.height <= last.height) {
      if (this.blocks.some((x) => x.height === summary.height)) return;
      this.blocks.push(summary);
      this.blocks.sort((a, c) => a.height - c.height);
    } else {
      this.blocks.push(summary);
    }
    if (this.blocks.length > LATENCY_WINDOW) this.blocks.shift();
  }

  head() {
    return this.blocks[this.blocks.length - 1] || null;
  }

  name(address) {
    const m = this.monikers.get(address);
    return m ? `${m} (${shortHex(address)})` : shortHex(address);
  }

  renderNow() {
    const head = this.head();
    const s = this.status || {};
    this.nowEl.replaceChildren(
      fact('height', integer(head ? head.height : s.latest_height), { id: 'chain-height' }),
      fact('slot', integer(head ? head.slot : s.latest_slot)),
      fact('proposer', head ? this.name(head.proposer) : '—'),
      fact('block time', time(head ? head.time_ms : s.latest_block_time_ms)),
      fact('commit latency', millis(head ? head.commit_latency_ms : null)),
      fact('slot length', millis(s.slot_ms)),
      fact('peers', integer(s.peers)),
      fact('mempool', `${integer(s.mempool_size)} txs`),
      fact('this node', `${s.moniker || '—'}${s.validator ? ' (validator)' : ''}${s.catching_up ? ', catching up' : ''}`),
      fact('protocol', s.protocol_version === undefined ? '—' : `${s.protocol_version} (${s.release || 'release unknown'})`),
      ...upgradeFacts(s, head ? head.height : s.latest_height),
    );
  }

  renderLatency() {
    const xs = this.blocks.map((b) => b.height);
    const values = this.blocks.map((b) => (b.commit_latency_ms === null || b.commit_latency_ms === undefined ? null : Number(b.commit_latency_ms)));
    renderChart(this.latencyEl, {
      title: `Commit latency per block (ms), last ${this.blocks.length} blocks`,
      xs,
      series: [{ label: 'commit latency', values, color: COLORS.latency }],
      yFormat: (v) => v.toLocaleString('en-US', { maximumFractionDigits: 1 }),
      yMin: 0,
      height: 130,
    });
  }

  setValidators(v) {
    // Most power first, then by name, so the table does not reshuffle between reads.
    const list = [...(v.validators || [])].sort((a, b) => Number(b.power) - Number(a.power) || String(a.moniker || a.address).localeCompare(String(b.moniker || b.address)));
    for (const x of list) if (x.moniker) this.monikers.set(x.address, x.moniker);
    const total = list.reduce((a, x) => a + Number(x.power), 0) || 1;
    this.validatorsEl.querySelector('tbody').replaceChildren(...list.map((x) => {
      const share = Number(x.power) / total;
      return el('tr', null,
        el('td', { class: 'mono' }, this.name(x.address)),
        el('td', null, integer(x.power)),
        el('td', { class: 'nowrap' }, el('span', { class: 'share', style: { '--w': `${(share * 100).toFixed(1)}%` } }), percent(share)));
    }));
  }

  renderBlocks() {
    const recent = this.blocks.slice(-RECENT).reverse();
    this.blocksEl.replaceChildren(...recent.map((b) => {
      const d = el('details', { 'data-height': b.height },
        el('summary', null,
          el('span', { class: 'mono' }, `#${integer(b.height)}`),
          ` slot ${integer(b.slot)} · ${integer(b.txs)} txs · ${millis(b.commit_latency_ms)} · by ${this.name(b.proposer)}`),
        el('div', { class: 'txs' }, 'loading…'));
      d.addEventListener('toggle', () => { if (d.open) this.loadTxs(d); });
      return el('li', null, d);
    }));
  }

  async loadTxs(details) {
    const target = details.querySelector('.txs');
    try {
      const block = await get(`/blocks/${details.dataset.height}`);
      const txs = block.txs || [];
      const signers = block.certificate ? block.certificate.signers.length : '?';
      // Transaction bodies are whatever their senders signed: text only.
      const list = txs.length === 0 ? el('p', null, 'no transactions') : el('ul', null,
        txs.slice(0, 50).map((t) => el('li', { class: 'mono' }, `${t.kind} · ${shortHex(t.sender)} · nonce ${t.nonce} · ${JSON.stringify(t.body)}`)),
        txs.length > 50 ? el('li', null, `… ${txs.length - 50} more`) : null);
      target.replaceChildren(el('p', { class: 'mono' }, `hash ${shortHex(block.hash)} · signed by ${signers} validators`), list);
    } catch (err) {
      target.textContent = err.message;
    }
  }

  render() {
    this.renderNow();
    this.renderLatency();
    this.renderBlocks();
  }
}
