// The light client's primitives in the browser: hex, SHA-256, the protobuf fields of headers,
// certificates and precommits (ledger/proto/solartrade/v1), and state proofs (ledger/src/state).
// Every input is the node's and untrusted: each function checks what it reads and throws an
// Error that names what is wrong.

const DEPTH = 18;
const BUCKETS = 1 << DEPTH;
const PRECOMMIT_TAG = new TextEncoder().encode('solartrade/v1/precommit\0');
const PRECOMMIT = 2n;

export function hexToBytes(text, what) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || /[^0-9a-f]/i.test(text)) {
    throw new Error(`${what} is not hex: ${String(text).slice(0, 80)}`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

// Compares two byte strings as the ledger orders keys and addresses.
export function compareBytes(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function readVarint(bytes, at, what) {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    if (at + i >= bytes.length) throw new Error(`${what}: a varint runs past the end`);
    const b = bytes[at + i];
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return [value, at + i + 1];
  }
  throw new Error(`${what}: a varint is longer than 10 bytes`);
}

// The fields of a protobuf message: varints as BigInt, length-delimited fields as bytes.
function fields(bytes, what) {
  const out = [];
  let at = 0;
  while (at < bytes.length) {
    const [key, afterKey] = readVarint(bytes, at, what);
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [value, next] = readVarint(bytes, afterKey, what);
      out.push({ field, value });
      at = next;
    } else if (wire === 2) {
      const [len, start] = readVarint(bytes, afterKey, what);
      const end = start + Number(len);
      if (len > BigInt(bytes.length) || end > bytes.length) throw new Error(`${what}: field ${field} runs past the end`);
      out.push({ field, value: bytes.subarray(start, end) });
      at = end;
    } else {
      throw new Error(`${what}: field ${field} has wire type ${wire}, which no field of it has`);
    }
  }
  return out;
}

function hash32(value, what, name) {
  if (!(value instanceof Uint8Array) || value.length !== 32) throw new Error(`${what}: ${name} is not 32 bytes`);
  return value;
}

// The header fields the light client uses (block.proto `Header`).
export function decodeHeader(bytes, height) {
  const what = `header ${height}`;
  const h = { chainId: '', height: 0, stateRoot: null, validatorsHash: null };
  for (const { field, value } of fields(bytes, what)) {
    if (field === 1) h.chainId = new TextDecoder('utf-8', { fatal: true }).decode(value);
    else if (field === 2) h.height = Number(value);
    else if (field === 7) h.stateRoot = value;
    else if (field === 9) h.validatorsHash = value;
  }
  hash32(h.stateRoot, what, 'state_root');
  hash32(h.validatorsHash, what, 'validators_hash');
  return h;
}

// block.proto `CommitCertificate`.
export function decodeCertificate(bytes, height) {
  const what = `the certificate of header ${height}`;
  const cert = { height: 0, round: 0n, blockHash: new Uint8Array(0), signatures: [] };
  for (const { field, value } of fields(bytes, what)) {
    if (field === 1) cert.height = Number(value);
    else if (field === 2) cert.round = value;
    else if (field === 3) cert.blockHash = value;
    else if (field === 4) {
      const sig = { validator: new Uint8Array(0), signature: new Uint8Array(0) };
      for (const f of fields(value, what)) {
        if (f.field === 1) sig.validator = f.value;
        else if (f.field === 2) sig.signature = f.value;
      }
      cert.signatures.push(sig);
    }
  }
  if (cert.signatures.length > 1000) throw new Error(`${what} has ${cert.signatures.length} signatures, over 1,000`);
  return cert;
}

function varint(value) {
  const out = [];
  let v = BigInt(value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

// The digest every precommit signer of a certificate signed: sha256(tag || chain id ||
// Vote { chain_id, PRECOMMIT, height, round, block_hash }), default fields left out as prost does.
export async function precommitDigest(chainId, height, round, blockHash) {
  const chain = new TextEncoder().encode(chainId);
  const parts = [Uint8Array.from([0x0a, ...varint(chain.length)]), chain, Uint8Array.from([0x10, ...varint(PRECOMMIT)])];
  if (height > 0) parts.push(Uint8Array.from([0x18, ...varint(height)]));
  if (round > 0n) parts.push(Uint8Array.from([0x20, ...varint(round)]));
  if (blockHash.length > 0) parts.push(Uint8Array.from([0x2a, ...varint(blockHash.length)]), blockHash);
  return sha256(concat([PRECOMMIT_TAG, chain, concat(parts)]));
}

// ledger::block::validators_hash: each id and its power as 8 bytes big-endian, in set order.
export async function validatorsHash(set) {
  const parts = [];
  for (const { id, power } of set) {
    const p = new Uint8Array(8);
    new DataView(p.buffer).setBigUint64(0, power);
    parts.push(id, p);
  }
  return sha256(concat(parts));
}

function bucketOf(keyHash) {
  return ((keyHash[0] << 16) | (keyHash[1] << 8) | keyHash[2]) >> (24 - DEPTH);
}

// ledger::state::Proof::verify: `key` holds `value` (null: absent) under `root`.
export async function verifyProof(root, key, value, proof, name) {
  if (!proof || !Array.isArray(proof.entries) || !Array.isArray(proof.siblings) || proof.siblings.length !== DEPTH) {
    throw new Error(`the proof of ${name} does not have ${DEPTH} sibling hashes`);
  }
  const keyHash = await sha256(key);
  const bucket = bucketOf(keyHash);
  const entries = proof.entries.map(([k, v]) => [hash32(hexToBytes(k, 'a proof entry'), name, 'an entry key'), hash32(hexToBytes(v, 'a proof entry'), name, 'an entry value')]);
  let found = null;
  entries.forEach(([k, v], i) => {
    if (i > 0 && compareBytes(entries[i - 1][0], k) >= 0) throw new Error(`the proof of ${name} has its entries out of order at ${i}`);
    if (bucketOf(k) !== bucket) throw new Error(`the proof of ${name} holds an entry of another bucket`);
    if (equalBytes(k, keyHash)) found = v;
  });
  if (value === null && found !== null) throw new Error(`${name} is present in its proof but the node said absent`);
  if (value !== null && found === null) throw new Error(`${name} is absent from its proof but the node gave a value`);
  if (value !== null && !equalBytes(found, await sha256(value))) throw new Error(`${name}: the value the node gave is not the one its proof holds`);
  let hash = await sha256(concat([Uint8Array.of(0), ...entries.flat()]));
  let node = BUCKETS + bucket;
  for (const siblingHex of proof.siblings) {
    const sibling = hash32(hexToBytes(siblingHex, 'a sibling'), name, 'a sibling');
    hash = await sha256(concat([Uint8Array.of(1), ...(node % 2 === 0 ? [hash, sibling] : [sibling, hash])]));
    node = Math.floor(node / 2);
  }
  if (!equalBytes(hash, root)) throw new Error(`${name}: its proof leads to root ${bytesToHex(hash)}, not the header's ${bytesToHex(root)}`);
}
