// The home view's "verify" box: runs the light client (lightclient.js) on the shown home and says
// verified, with what it proved, or what failed. Trust is a height and header hash the household
// enters from elsewhere, never this page's node: a node that lies could serve a lying page too,
// so the box is for checking a node from a page served by another (e.g. one's own).

import { get } from './api.js';
import { el } from './dom.js';
import { kwh, tokens } from './format.js';
import { LightClient, verifyBill } from './lightclient.js';

const SLOTS = 3;
const STORE_HEIGHT = 'solartrade.trustedHeight';
const STORE_HASH = 'solartrade.trustedHash';

function remembered(key) {
  try {
    return window.localStorage.getItem(key) || '';
  } catch (err) {
    return '';
  }
}

function remember(key, value) {
  try {
    window.localStorage.setItem(key, value);
  } catch (err) {
    // Storage refused (private mode): the household types the values again next time.
  }
}

function slotLine(v) {
  if (!v.cleared) return `slot ${v.slot}: no settlements in the proven state`;
  if (!v.bid) return `slot ${v.slot}: no bid (${v.bidders} bidders)`;
  const money = v.side === 'buy' ? 'paid' : 'received';
  return `slot ${v.slot}: ${v.side === 'buy' ? 'bought' : 'sold'} ${kwh(Number(v.quantityWh))}, ${money} ${tokens(Number(v.amount))} (entry ${v.index + 1} of ${v.bidders})`;
}

export class VerifyPanel {
  constructor() {
    this.address = null;
    this.height = el('input', { id: 'verify-height', type: 'number', min: 1, placeholder: 'trusted height', value: remembered(STORE_HEIGHT) });
    this.hash = el('input', { id: 'verify-hash', placeholder: 'its header hash (hex)', size: 66, value: remembered(STORE_HASH) });
    this.button = el('button', { id: 'verify-button', type: 'button' }, 'verify');
    this.result = el('div', { id: 'verify-result', 'data-state': 'idle' });
    this.element = el('section', { class: 'verify' },
      el('h3', null, 'Verify this bill'),
      el('div', { class: 'verify-inputs' }, this.height, this.hash, this.button),
      this.result);
    this.button.addEventListener('click', () => this.run());
    this.idle();
  }

  setAddress(address) {
    if (address === this.address) return;
    this.address = address;
    this.idle();
  }

  idle() {
    this.show('idle', `Checks this home's balance and its last ${SLOTS} slots against headers the validators signed, trusting only the height and header hash entered here (take them from a node of your own or your community's notice board).`);
  }

  show(state, ...lines) {
    this.result.dataset.state = state;
    this.result.replaceChildren(...lines.map((line) => el('p', { class: state === 'failed' ? 'error' : 'hint' }, line)));
  }

  async run() {
    const height = Number(this.height.value);
    const hash = this.hash.value.trim().toLowerCase();
    if (!Number.isSafeInteger(height) || height < 1 || !/^[0-9a-f]{64}$/.test(hash)) {
      this.show('failed', 'Enter a trusted height (a block number) and its header hash (64 hex characters).');
      return;
    }
    remember(STORE_HEIGHT, String(height));
    remember(STORE_HASH, hash);
    const address = this.address;
    const started = performance.now();
    this.show('running', 'verifying…');
    try {
      const status = await get('/status');
      // The proven state's root is in the next block's header: wait up to about three slots for it.
      const maxWaitMs = Math.max(10000, 3 * Number(status.slot_ms));
      const onWait = (h, ms) => this.show('running', `waiting for block ${h}, whose header proves the state after ${h - 1} (${Math.round(ms / 1000)} s)`);
      const client = new LightClient({ maxWaitMs, onWait });
      await client.trust(height, hash);
      const bill = await verifyBill(client, address, SLOTS);
      if (address !== this.address) return;
      const ms = performance.now() - started;
      this.result.dataset.balance = String(bill.balance);
      this.result.dataset.height = String(bill.stateHeight);
      const settled = bill.slots.filter((v) => v.bid).map((v) => ({ slot: v.slot, side: v.side, amount: String(v.amount) }));
      this.result.dataset.settled = JSON.stringify(settled);
      this.show('verified',
        `verified after height ${bill.stateHeight} (${bill.headersChecked} headers checked, ${ms.toFixed(0)} ms)`,
        `balance ${tokens(Number(bill.balance))}, nonce ${bill.nonce}`,
        ...bill.slots.map(slotLine));
    } catch (err) {
      if (address === this.address) this.show('failed', `verification failed: ${err.message}`);
    }
  }
}
