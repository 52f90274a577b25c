// The administrator's view: pending registrations and the exact CLI commands that approve or reject them with the administrator's key, which stays on the operator's machine.

import { kw, kwh } from './format.js';

export class AdminPanel {
  constructor(root, subtitle) {
    this.root = root;
    this.subtitle = subtitle;
    this.rpc = window.location.origin;
  }

  render(households) {
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
      return `<li>
        <p><strong>${h.kind} · lot ${h.lot}</strong> · PV ${kw(h.pv_capacity_w)} · battery ${kwh(h.battery_wh)} / ${kw(h.battery_w)} · import limit ${kw(h.import_limit_w)}</p>
        <p class="mono addr">${h.address}</p>
        <div class="cmd"><code>${approve}</code><button type="button" data-copy="${encodeURIComponent(approve)}">copy</button></div>
        <div class="cmd"><code>${reject.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</code><button type="button" data-copy="${encodeURIComponent(reject)}">copy</button></div>
      </li>`;
    }).join('');
    for (const b of this.root.querySelectorAll('button[data-copy]')) {
      b.addEventListener('click', async () => {
        const text = decodeURIComponent(b.dataset.copy);
        try {
          await navigator.clipboard.writeText(text);
          b.textContent = 'copied';
        } catch (err) {
          b.textContent = 'select and copy';
        }
      });
    }
  }
}
