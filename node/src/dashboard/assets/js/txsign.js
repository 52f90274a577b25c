// Administrator transactions encoded and signed inside the browser, byte for byte as `ledger::tx::encode_tx` does:
// protobuf `Transaction` in a `SignedEnvelope`, ed25519 over sha256("solartrade/v1/transaction\0" || chain_id || payload).
// The secret key is imported as a non-extractable WebCrypto key and never leaves the page.

const TX_DOMAIN_TAG = new TextEncoder().encode('solartrade/v1/transaction\0');
const ENVELOPE_KIND_TRANSACTION = 1n;
// DER header of a PKCS#8 Ed25519 private key (RFC 8410); the 32-byte seed follows it.
const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
const ADDRESS_LEN = 32;
// Signed once when a key file loads, to check its public key; never sent anywhere.
const KEY_CHECK_PROBE = 'solartrade/v1/key-check';

// Transaction.body field numbers (ledger/proto/solartrade/v1/transaction.proto).
const BODY_APPROVE_HOUSEHOLD = 11;
const BODY_REJECT_HOUSEHOLD = 12;

export class SigningError extends Error {}

export function hexToBytes(hex, length, what) {
  if (typeof hex !== 'string' || hex.length !== length * 2 || !/^[0-9a-f]*$/i.test(hex)) {
    throw new SigningError(`${what} must be ${length} bytes of hex, got ${JSON.stringify(String(hex).slice(0, 80))}`);
  }
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function varint(value) {
  let v = BigInt(value);
  const out = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

// proto3 leaves default values (0, empty) off the wire, as prost does.
function uintField(field, value) {
  if (BigInt(value) === 0n) return new Uint8Array(0);
  return concat([varint(field << 3), varint(value)]);
}

function bytesField(field, bytes, always = false) {
  if (bytes.length === 0 && !always) return new Uint8Array(0);
  return concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
}

/// The `Transaction` payload for `body`: `{approve: household}` or `{reject: household, reason}` (addresses as hex).
export function encodeTransaction(chainId, nonce, body) {
  let bodyField;
  if (body.approve !== undefined) {
    const household = hexToBytes(body.approve, ADDRESS_LEN, 'household address');
    // A oneof member is on the wire even when its message is empty.
    bodyField = bytesField(BODY_APPROVE_HOUSEHOLD, bytesField(1, household), true);
  } else if (body.reject !== undefined) {
    const household = hexToBytes(body.reject, ADDRESS_LEN, 'household address');
    const reason = new TextEncoder().encode(body.reason || '');
    bodyField = bytesField(BODY_REJECT_HOUSEHOLD, concat([bytesField(1, household), bytesField(2, reason)]), true);
  } else {
    throw new SigningError(`unsupported transaction body ${JSON.stringify(body)}`);
  }
  return concat([bytesField(1, new TextEncoder().encode(chainId)), uintField(2, nonce), bodyField]);
}

/// Loads a key file (`{"public_key": hex, "secret_key": hex}`, as `solartrade keys` writes it) into a signing key.
export async function loadKeyFile(text) {
  if (!window.isSecureContext || !crypto.subtle) {
    throw new SigningError('signing in the browser needs a secure context (https, or the node on localhost); use the CLI command instead');
  }
  let file;
  try {
    file = JSON.parse(text);
  } catch (err) {
    throw new SigningError(`the key file is not JSON: ${err.message}`);
  }
  const seed = hexToBytes(file.secret_key, 32, 'secret_key');
  const stated = hexToBytes(file.public_key, 32, 'public_key');
  const pkcs8 = concat([Uint8Array.from(PKCS8_ED25519_PREFIX), seed]);
  // Non-extractable: page scripts can sign with it, nothing can read the secret back out.
  let key;
  try {
    key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  } catch (err) {
    throw new SigningError(`this browser cannot import an Ed25519 key (${err.message}); use the CLI command instead`);
  }
  // The key cannot be exported to derive its public key: check the stated one by a probe
  // signature instead (the probe is shorter than a transaction digest, so it signs no transaction).
  let publicKey;
  try {
    publicKey = await crypto.subtle.importKey('raw', stated, { name: 'Ed25519' }, false, ['verify']);
  } catch (err) {
    throw new SigningError(`public_key ${bytesToHex(stated)} is not an Ed25519 public key (${err.message})`);
  }
  const probe = new TextEncoder().encode(KEY_CHECK_PROBE);
  const signature = await crypto.subtle.sign({ name: 'Ed25519' }, key, probe);
  if (!(await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature, probe))) {
    throw new SigningError(`public_key ${bytesToHex(stated)} does not belong to the secret key in the file`);
  }
  return { address: bytesToHex(stated), publicKey: stated, key };
}

/// The envelope bytes of `body` signed by `signer` (from `loadKeyFile`) for `chainId` at `nonce`.
export async function signTransaction(signer, chainId, nonce, body) {
  const payload = encodeTransaction(chainId, nonce, body);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', concat([TX_DOMAIN_TAG, new TextEncoder().encode(chainId), payload])));
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, signer.key, digest));
  return concat([
    uintField(1, ENVELOPE_KIND_TRANSACTION),
    bytesField(2, payload),
    bytesField(3, signer.publicKey),
    bytesField(4, signature),
  ]);
}
