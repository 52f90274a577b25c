// The administrator's view: pending registrations, and two ways to approve or reject them with the administrator's key:
// the exact CLI command to run on the operator's machine, or signing here with a key file loaded into this page only.

import { get, post } from './api.js';
import { kw, kwh, shortHex } from './format.js';
import { loadKeyFile, signTransaction, bytesToHex } from './txsign.js';

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

export class AdminPanel {
  constructor(root, subtitle, keyForm) {
    this.root = root;
    this.subtitle = subtitle;
    this.rpc = window.location.origin;
    this.chainId = null;
    this.signer = null;
    this.keyStatus = keyForm.querySelector('.key-status');
    keyForm.querySelector('input[type=file]').addEventListener('change', (ev) => this.loadKey(ev.target));
  }

  setChainId(chainId) {
    this.chainId = chainId;
  }

  // The file is read by the browser; neither its content nor the key is sent anywhere.
  async loadKey(input) {
    const file = input.files && input.files[0];
    if (!file) return;
    try {
      this.signer = await loadKeyFile(await file.text());
      this.keyStatus.textContent = `Signing here as ${shortHex(this.signer.address)} (key kept in this page only; reload to forget it).`;
    } catch (err) {
      this.signer = null;
      this.keyStatus.textContent = err.message;
    }
    input.value = '';
    if (this.households) this.render(this.households);
  }

  render(households) {
    this.households = households;
    const pending = households.filter((h) => h.status === 'pending');
    const approved = households.filter((h) => h.status === 'approved').length;
    const rejected = households.filter((h) => h.status === 'rejected').length;
    this.subtitle.textContent = `${pending.length} pending · ${approved} approved · ${rejected} rejected`;
    this.root.dataset.pending = String(pending.length);
    if (pending.length === 0) {
      this.root.innerHTML = '<li class="hint">No registration is waiting for approval.</li>';
      return;
    }
    this.root.innerHTML = pending.map((h) => {
      const approve = `solartrade tx approve --household ${h.address} --rpc ${this.rpc}`;
      const reject = `solartrade tx reject --household ${h.address} --reason "<why>" --rpc ${this.rpc}`;
      const sign = this.signer ? `<div class="sign" data-household="${h.address}">
          <button type="button" data-action="approve">approve (sign here)</button>
          <input type="text" maxlength="256" placeholder="reason for rejecting" aria-label="reason for rejecting">
          <button type="button" data-action="reject">reject (sign here)</button>
          <span class="sign-result" role="status"></span></div>` : '';
      return `<li>
        <p><strong>${escapeHtml(h.kind)} · lot ${escapeHtml(h.lot)}</strong> · PV ${kw(h.pv_capacity_w)} · battery ${kwh(h.battery_wh)} / ${kw(h.battery_w)} · import limit ${kw(h.import_limit_w)}</p>
        <p class="mono addr">${h.address}</p>
        <div class="cmd"><code>${escapeHtml(approve)}</code><button type="button" data-copy="${encodeURIComponent(approve)}">copy</button></div>
        <div class="cmd"><code>${escapeHtml(reject)}</code><button type="button" data-copy="${encodeURIComponent(reject)}">copy</button></div>
        ${sign}
      </li>`;
    }).join('');
    for (const b of this.root.querySelectorAll('button[data-copy]')) {
      b.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(decodeURIComponent(b.dataset.copy));
          b.textContent = 'copied';
        } catch (err) {
          b.textContent = 'select and copy';
        }
      });
    }
    for (const box of this.root.querySelectorAll('.sign')) {
      for (const b of box.querySelectorAll('button[data-action]')) {
        b.addEventListener('click', () => this.submit(box, b.dataset.action));
      }
    }
  }

  async submit(box, action) {
    const result = box.querySelector('.sign-result');
    const household = box.dataset.household;
    try {
      if (!this.signer) throw new Error('load the administrator key file first');
      if (!this.chainId) throw new Error('the chain id is not known yet');
      const account = await get(`/accounts/${this.signer.address}`);
      const body = action === 'approve' ? { approve: household } : { reject: household, reason: box.querySelector('input').value };
      const envelope = await signTransaction(this.signer, this.chainId, account.nonce, body);
      const answer = await post('/txs', { tx: bytesToHex(envelope) });
      result.textContent = `submitted ${shortHex(answer.hash)}; it takes effect when a block includes it`;
    } catch (err) {
      result.textContent = `not submitted: ${err.message}`;
    }
  }
}
