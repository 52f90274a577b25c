// The administrator's view: pending registrations, and two ways to approve or reject them with the administrator's key:
// the exact CLI command to run on the operator's machine, or signing here with a key file loaded into this page only.

import { get, post } from './api.js';
import { kw, kwh, shortHex } from './format.js';
import { el } from './dom.js';
import { loadKeyFile, signTransaction, bytesToHex } from './txsign.js';

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

  // The rule and the actions waiting for more members' approvals (a k-of-n administrator).
  renderRule(rule) {
    const box = document.getElementById('admin-rule');
    if (!box || !rule || !Array.isArray(rule.members)) return;
    const members = rule.members.map((m, i) => `${shortHex(m)}${i === 0 ? ' (lead)' : ''}`).join(', ');
    const waiting = rule.proposals.length === 0
      ? el('p', { class: 'hint' }, 'No admin action is waiting for approvals.')
      : el('ul', { class: 'proposals' }, ...rule.proposals.map((p) => el('li', { 'data-proposal': p.id },
        `action ${shortHex(p.id)}: ${p.approvals} of ${rule.threshold} approvals (${p.approvers.map(shortHex).join(', ')}), open since slot ${p.opened_at_slot}, expires after slot ${p.expires_after_slot}`)));
    box.dataset.proposals = String(rule.proposals.length);
    box.replaceChildren(el('p', null, `Rule: ${rule.threshold} of ${rule.members.length} members: ${members}.`), waiting);
  }

  render(households) {
    this.households = households;
    const pending = households.filter((h) => h.status === 'pending');
    const approved = households.filter((h) => h.status === 'approved').length;
    const rejected = households.filter((h) => h.status === 'rejected').length;
    this.subtitle.textContent = `${pending.length} pending · ${approved} approved · ${rejected} rejected`;
    this.root.dataset.pending = String(pending.length);
    if (pending.length === 0) {
      this.root.replaceChildren(el('li', { class: 'hint' }, 'No registration is waiting for approval.'));
      return;
    }
    this.root.replaceChildren(...pending.map((x) => this.item(x)));
  }

  // Lot, kind and address are whatever the registration said: they go in as text only.
  item(x) {
    const approve = `solartrade tx approve --household ${x.address} --rpc ${this.rpc}`;
    const reject = `solartrade tx reject --household ${x.address} --reason "<why>" --rpc ${this.rpc}`;
    return el('li', null,
      el('p', null,
        el('strong', null, `${x.kind} · lot ${x.lot}`),
        ` · PV ${kw(x.pv_capacity_w)} · battery ${kwh(x.battery_wh)} / ${kw(x.battery_w)} · import limit ${kw(x.import_limit_w)}`),
      el('p', { class: 'mono addr' }, x.address),
      command(approve),
      command(reject),
      this.signer ? this.signBox(x.address) : null);
  }

  signBox(household) {
    const box = el('div', { class: 'sign', 'data-household': household },
      el('button', { type: 'button', 'data-action': 'approve' }, 'approve (sign here)'),
      el('input', { type: 'text', maxlength: 256, placeholder: 'reason for rejecting', 'aria-label': 'reason for rejecting' }),
      el('button', { type: 'button', 'data-action': 'reject' }, 'reject (sign here)'),
      el('span', { class: 'sign-result', role: 'status' }));
    for (const b of box.querySelectorAll('button[data-action]')) {
      b.addEventListener('click', () => this.submit(box, b.dataset.action));
    }
    return box;
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

// A command to run on the operator's machine, with a button that copies it.
function command(text) {
  const copy = el('button', { type: 'button' }, 'copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = 'copied';
    } catch (err) {
      copy.textContent = 'select and copy';
    }
  });
  return el('div', { class: 'cmd' }, el('code', null, text), copy);
}
