// Wires the panels to the node: an initial read of the RPC, then live updates from /events.

import { get, subscribe } from './api.js';
import { integer } from './format.js';
import { Community } from './community.js';
import { HomeDetail } from './home.js';
import { Slots } from './slots.js';
import { MarketPanel } from './market.js';
import { GridPanel } from './grid.js';
import { ChainPanel } from './chain.js';
import { AdminPanel } from './admin.js';

const $ = (id) => document.getElementById(id);
// Each block carries a slot's bids, which the node decodes and verifies to answer: read few at load, then follow the stream.
const BACKFILL_BLOCKS = 12;
// Registry and validator set change rarely: re-read them every few blocks, not on every one.
const SLOW_REFRESH_BLOCKS = 5;

const slots = new Slots();
const home = new HomeDetail($('home-detail'));
const community = new Community($('tiles'), $('tile-legend'), $('community-sub'), (address) => {
  home.show(address).catch(showError);
  if (window.matchMedia('(max-width: 900px)').matches) $('home-panel').scrollIntoView({ behavior: 'smooth' });
});
const market = new MarketPanel($('market-now'), $('market-charts'), $('market-sub'));
const grid = new GridPanel({ root: $('grid-panel'), now: $('grid-now'), diagram: $('grid-diagram'), table: $('grid-lots'), chart: $('grid-chart'), note: $('grid-bound') });
const chain = new ChainPanel({ now: $('chain-now'), latency: $('latency-chart'), validators: $('validators'), blocks: $('blocks') });
const admin = new AdminPanel($('pending'), $('admin-sub'), $('admin-key'));
let blocksSeen = 0;

function showError(err) {
  const banner = $('error-banner');
  banner.textContent = `The node's RPC failed: ${err.message}`;
  banner.hidden = false;
  console.error(err);
}

function clearError() {
  $('error-banner').hidden = true;
}

function renderHead(status) {
  $('chain-id').textContent = status.chain_id;
  admin.setChainId(status.chain_id);
  $('head-market').textContent = status.market_open ? 'open' : 'closed';
}

function renderHeight(height, slot) {
  $('head-height').textContent = integer(height);
  $('head-slot').textContent = integer(slot);
  // Read by the browser test: the height this page has rendered.
  document.body.dataset.height = String(height);
}

async function refreshHouseholds() {
  const { households } = await get('/households');
  community.setHouseholds(households);
  admin.render(households);
  admin.renderRule(await get('/admin'));
}

async function refreshValidators() {
  chain.setValidators(await get('/validators'));
}

async function showLatestSettlements() {
  const last = slots.latest();
  if (!last) return;
  const detail = await slots.detail(last.slot);
  if (slots.latest() && slots.latest().slot !== detail.slot) return;
  community.showSlot(detail.slot, detail.settlements || []);
  grid.showSlot(detail);
}

async function fillBlocks(from, to) {
  const heights = [];
  for (let h = Math.max(1, from, to - BACKFILL_BLOCKS + 1); h <= to; h++) heights.push(h);
  const blocks = await Promise.all(heights.map((h) => get(`/blocks/${h}`)));
  for (const b of blocks) chain.addBlock(b);
  chain.render();
}

async function reloadSlots() {
  const recent = await get(`/market/slots?last=48`);
  slots.setSummaries(recent.slots || []);
  market.render(slots.summaries);
  grid.render(slots.summaries);
  await showLatestSettlements();
}

async function start() {
  const status = await get('/status');
  renderHead(status);
  grid.setTopology(status.topology);
  chain.setStatus(status);
  renderHeight(status.latest_height, status.latest_slot);
  await Promise.all([refreshHouseholds(), refreshValidators()]);
  await reloadSlots();
  if (status.latest_height > 0) await fillBlocks(1, status.latest_height);
  chain.render();
  document.body.dataset.ready = 'true';

  subscribe({
    onState: (live) => {
      $('live').textContent = live ? 'live' : 'reconnecting';
      $('live').className = live ? 'live-on' : 'live-off';
    },
    onBlock: (b) => {
      blocksSeen++;
      const head = chain.head();
      // Blocks committed while the page loaded, or dropped by a lagging stream, are read back.
      if (head && b.height > head.height + 1) fillBlocks(head.height + 1, b.height - 1).catch(showError);
      chain.addBlock(b);
      renderHeight(b.height, b.slot);
      chain.render();
      get('/status').then((s) => { chain.setStatus(s); renderHead(s); clearError(); }, showError);
      if (blocksSeen % SLOW_REFRESH_BLOCKS === 0) {
        refreshHouseholds().catch(showError);
        refreshValidators().catch(showError);
      }
      home.refresh().catch(showError);
    },
    onClearing: (summary) => {
      const last = slots.latest();
      if (last && summary.slot > last.slot + 1) {
        reloadSlots().catch(showError);
        return;
      }
      slots.push(summary);
      market.render(slots.summaries);
      grid.render(slots.summaries);
      showLatestSettlements().catch(showError);
    },
  });
}

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { market.render(slots.summaries); grid.render(slots.summaries); chain.renderLatency(); }, 150);
});

start().catch(showError);
