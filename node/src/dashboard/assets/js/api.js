// The node's RPC (docs/rpc.md), same origin: JSON reads and the server-sent event stream.

export class RpcError extends Error {
  constructor(path, status, code, message) {
    super(`${path}: ${status} ${code}: ${message}`);
    this.path = path;
    this.status = status;
    this.code = code;
  }
}

export async function get(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch (err) {
    throw new RpcError(path, 0, 'unreachable', String(err));
  }
  let body;
  try {
    body = await response.json();
  } catch (err) {
    throw new RpcError(path, response.status, 'bad-json', `the node did not answer JSON (${err})`);
  }
  if (!response.ok) {
    const e = body && body.error ? body.error : {};
    throw new RpcError(path, response.status, e.code || 'http-error', e.message || response.statusText);
  }
  return body;
}

// Calls `onBlock` / `onClearing` with the parsed summaries and `onState(bool)` as the stream drops and returns.
export function subscribe({ onBlock, onClearing, onState }) {
  const source = new EventSource('/events');
  source.addEventListener('open', () => onState(true));
  source.addEventListener('error', () => onState(false));
  const parse = (handler) => (ev) => {
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch (err) {
      console.error(`event ${ev.type}: not JSON: ${ev.data}`);
      return;
    }
    handler(data);
  };
  source.addEventListener('block', parse(onBlock));
  source.addEventListener('clearing', parse(onClearing));
  return source;
}

export async function post(path, body) {
  let response;
  try {
    response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
  } catch (err) {
    throw new RpcError(path, 0, 'unreachable', String(err));
  }
  let answer;
  try {
    answer = await response.json();
  } catch (err) {
    throw new RpcError(path, response.status, 'bad-json', `the node did not answer JSON (${err})`);
  }
  if (!response.ok) {
    const e = answer && answer.error ? answer.error : {};
    throw new RpcError(path, response.status, e.code || 'http-error', e.message || response.statusText);
  }
  return answer;
}
