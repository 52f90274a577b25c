// The light client in the browser: the same checks as `solartrade verify account` (light/src),
// so a household verifies its balance and settlements against headers the validators signed
// without trusting the node that serves this page. Trust starts at a height and header hash the
// household got elsewhere (its own node, the community's notice board).

import { get, post } from './api.js';
import {
  bytesToHex, compareBytes, concat, decodeCertificate, decodeHeader, equalBytes, hexToBytes, precommitDigest, sha256,
  validatorsHash, verifyProof,
} from './lightproto.js';

const MAX_KEYS = 1024;
const MAX_BIDDERS = 20000;
const MAX_HEADERS = 256;
const POLL_MS = 200;
const text = new TextEncoder();

function u64le(bytes, at) {
  return new DataView(bytes.buffer, bytes.byteOffset + at, 8).getBigUint64(0, true);
}

function slotKey(prefix, slot, address) {
  const s = new Uint8Array(8);
  new DataView(s.buffer).setBigUint64(0, BigInt(slot));
  return address ? concat([text.encode(prefix), s, text.encode('/'), address]) : concat([text.encode(prefix), s]);
}

export class LightClient {
  // `onWait(height, ms)` is told while the client waits for a block not committed yet.
  constructor({ maxWaitMs, onWait }) {
    this.maxWaitMs = maxWaitMs;
    this.onWait = onWait || (() => {});
    this.trusted = new Map();
    this.headers = new Map();
    this.fetched = 0;
  }

  async trust(height, hashHex) {
    const raw = await this.rawHeader(height);
    const got = bytesToHex(await sha256(raw.header));
    if (got !== hashHex.toLowerCase()) throw new Error(`header ${height} hashes to ${got}, not the trusted hash ${hashHex}`);
    this.chainId = decodeHeader(raw.header, height).chainId;
    const checked = await this.check(height, raw);
    this.fetched++;
    this.trusted.set(height, checked.set);
    this.headers.set(height, checked);
  }

  async rawHeader(height) {
    const started = Date.now();
    for (;;) {
      try {
        const answer = await get(`/light/headers/${height}`);
        return { header: hexToBytes(answer.header, 'header'), certificate: hexToBytes(answer.certificate, 'certificate') };
      } catch (err) {
        if (err.status !== 404 || Date.now() - started > this.maxWaitMs) throw err;
        this.onWait(height, Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
  }

  // A header whose certificate carries more than 2/3 of the set it names.
  async check(height, raw) {
    const header = decodeHeader(raw.header, height);
    if (header.height !== height) throw new Error(`asked for header ${height}, the node sent header ${header.height}`);
    if (header.chainId !== this.chainId) throw new Error(`header ${height} is of chain ${header.chainId}, not the trusted chain ${this.chainId}`);
    const answer = await get(`/light/validators/${height}`);
    const set = answer.validators.map((v) => ({ id: hexToBytes(v.id, 'a validator id'), power: BigInt(v.power) }));
    if (!equalBytes(await validatorsHash(set), header.validatorsHash)) {
      throw new Error(`the validator set the node sent for height ${height} does not hash to header ${height}'s validators_hash`);
    }
    const hash = await sha256(raw.header);
    const cert = decodeCertificate(raw.certificate, height);
    const signers = await checkCertificate(cert, this.chainId, height, hash, set);
    return { height, hash, header, set, signers };
  }

  // Skipping verification with bisection, as light/src/verifier.rs.
  async verify(target) {
    const lowest = Math.min(...this.trusted.keys());
    if (target <= lowest && !this.headers.has(target)) throw new Error(`header ${target} is not after the trusted height ${lowest}`);
    const candidates = new Map();
    const pending = [target];
    let fetched = 0;
    while (pending.length > 0) {
      const next = pending[pending.length - 1];
      if (this.headers.has(next)) {
        pending.pop();
        continue;
      }
      const trustedHeight = Math.max(...[...this.trusted.keys()].filter((h) => h < next));
      if (!candidates.has(next)) {
        if (++fetched > MAX_HEADERS) throw new Error(`verifying header ${target} needed more than ${MAX_HEADERS} headers`);
        this.fetched++;
        candidates.set(next, await this.check(next, await this.rawHeader(next)));
      }
      const candidate = candidates.get(next);
      const trustedSet = this.trusted.get(trustedHeight);
      const total = trustedSet.reduce((n, v) => n + v.power, 0n);
      const signed = trustedSet.filter((v) => candidate.signers.has(bytesToHex(v.id))).reduce((n, v) => n + v.power, 0n);
      if (signed * 3n > total) {
        this.trusted.set(next, candidate.set);
        this.headers.set(next, candidate);
        pending.pop();
        continue;
      }
      const pivot = trustedHeight + Math.floor((next - trustedHeight) / 2);
      if (pivot === trustedHeight) {
        throw new Error(`header ${next} is signed by ${signed} of the ${total} power of the set trusted at height ${trustedHeight}, not more than a third`);
      }
      pending.push(pivot);
    }
    return this.headers.get(target);
  }

  // Checks the node's answer for `keys` against the header after its state's height.
  async proven(claim) {
    if (claim.proofs.length !== claim.keys.length) throw new Error(`asked for ${claim.keys.length} proofs, the node answered ${claim.proofs.length}`);
    const header = await this.verify(claim.height + 1);
    const values = [];
    for (const [i, key] of claim.keys.entries()) {
      const entry = claim.proofs[i];
      const name = `key ${claim.names[i]} after height ${claim.height}`;
      if (entry.key !== bytesToHex(key)) throw new Error(`proof ${i} is not for ${claim.names[i]}`);
      const value = entry.value === null ? null : hexToBytes(entry.value, 'a value');
      await verifyProof(header.header.stateRoot, key, value, entry.proof, name);
      values.push(value);
    }
    return values;
  }
}

async function checkCertificate(cert, chainId, height, blockHash, set) {
  if (cert.height !== height) throw new Error(`the certificate of header ${height} is for height ${cert.height}`);
  if (!equalBytes(cert.blockHash, blockHash)) {
    throw new Error(`the certificate of header ${height} does not commit it: it is for block ${bytesToHex(cert.blockHash)}, the header hashes to ${bytesToHex(blockHash)}`);
  }
  const digest = await precommitDigest(chainId, height, cert.round, blockHash);
  const total = set.reduce((n, v) => n + v.power, 0n);
  const signers = new Set();
  let power = 0n;
  for (const s of cert.signatures) {
    const id = bytesToHex(s.validator);
    const member = set.find((v) => bytesToHex(v.id) === id);
    if (!member) throw new Error(`the certificate of header ${height}: signer ${id} is not in the validator set`);
    if (signers.has(id)) throw new Error(`the certificate of header ${height}: signer ${id} appears twice`);
    const key = await crypto.subtle.importKey('raw', s.validator, { name: 'Ed25519' }, false, ['verify']);
    if (!(await crypto.subtle.verify({ name: 'Ed25519' }, key, s.signature, digest))) {
      throw new Error(`the certificate of header ${height}: the signature of ${id} does not verify`);
    }
    signers.add(id);
    power += member.power;
  }
  if (power * 3n <= total * 2n) throw new Error(`the certificate of header ${height} carries ${power} of ${total} power, not more than two thirds`);
  return signers;
}

async function ask(keys, names) {
  const answer = await post('/light/proofs', { keys: keys.map(bytesToHex) });
  return { keys, names, height: answer.height, proofs: answer.proofs };
}

async function askSlot(slot) {
  const bidders = [];
  for (;;) {
    const after = bidders.length ? `&after=${bytesToHex(bidders[bidders.length - 1])}` : '';
    const page = (await get(`/light/slots/${slot}/bidders?limit=${MAX_KEYS}${after}`)).bidders;
    if (bidders.length + page.length > MAX_BIDDERS) throw new Error(`slot ${slot} has more than ${MAX_BIDDERS} bidders`);
    bidders.push(...page.map((b) => hexToBytes(b, 'a bidder')));
    if (page.length < MAX_KEYS) break;
  }
  const keys = [slotKey('stl/', slot), ...bidders.map((b) => slotKey('bid/', slot, b))];
  const names = [`stl/${slot}`, ...bidders.map((b) => `bid/${slot}/${bytesToHex(b)}`)];
  const claims = [];
  for (let i = 0; i < keys.length; i += MAX_KEYS) claims.push(await ask(keys.slice(i, i + MAX_KEYS), names.slice(i, i + MAX_KEYS)));
  return { slot, bidders, claims };
}

// The household's verdict in a slot from proven values (light/src/settlement.rs).
function slotVerdict(slot, address, settlements, bidders, bids) {
  if (settlements === null) return { slot, cleared: false };
  if (settlements.length % 32 !== 0) throw new Error(`the settlements of slot ${slot} do not decode`);
  bidders.forEach((b, i) => {
    if (i > 0 && compareBytes(bidders[i - 1], b) >= 0) throw new Error(`the node listed the bidders of slot ${slot} out of order (entry ${i})`);
    if (bids[i] === null) throw new Error(`the bid of ${bytesToHex(b)} in slot ${slot} is proven absent, yet the node listed it`);
  });
  if (bidders.length !== settlements.length / 32) {
    throw new Error(`the node listed ${bidders.length} bidders of slot ${slot}, but the slot's proven settlements have ${settlements.length / 32} entries`);
  }
  const index = bidders.findIndex((b) => equalBytes(b, address));
  if (index < 0) return { slot, cleared: true, bid: false, bidders: bidders.length };
  const bid = bids[index];
  if (bid.length < 9 || bid[0] > 1) throw new Error(`the bid of the household in slot ${slot} does not decode`);
  const part = (field) => u64le(settlements, 32 * index + 8 * field);
  return {
    slot, cleared: true, bid: true, side: bid[0] === 0 ? 'buy' : 'sell', quantityWh: u64le(bid, 1),
    p2pWh: part(0), gridWh: part(1), amount: part(2), solarReward: part(3), index, bidders: bidders.length,
  };
}

// Verifies `addressHex`'s account and its settlements in the last `slots` cleared slots; asks
// every question first so that one wait for the next block covers every answer.
export async function verifyBill(client, addressHex, slots) {
  const address = hexToBytes(addressHex, 'the address');
  const accountKey = concat([text.encode('acct/'), address]);
  const first = await ask([accountKey, text.encode('meta/cleared')], [`acct/${addressHex}`, 'meta/cleared']);
  const claimedCleared = first.proofs[1] && first.proofs[1].value ? u64le(hexToBytes(first.proofs[1].value, 'a value'), 0) : null;
  const asked = [];
  for (let s = claimedCleared === null ? 0 : Number(claimedCleared); s >= 1 && asked.length < slots; s--) asked.push(await askSlot(s));
  const [account, cleared] = await client.proven(first);
  if (account !== null && account.length !== 24) throw new Error(`acct/${addressHex} holds ${account.length} bytes that are not an account`);
  if (cleared !== null && cleared.length !== 8) throw new Error('meta/cleared does not hold a slot number');
  const verdicts = [];
  for (const a of asked) {
    const values = [];
    for (const claim of a.claims) values.push(...(await client.proven(claim)));
    verdicts.push(slotVerdict(a.slot, address, values[0], a.bidders, values.slice(1)));
  }
  return {
    stateHeight: first.height,
    balance: account === null ? 0n : u64le(account, 0),
    nonce: account === null ? 0n : u64le(account, 16),
    lastCleared: cleared === null ? null : u64le(cleared, 0),
    slots: verdicts,
    headersChecked: client.fetched,
  };
}
