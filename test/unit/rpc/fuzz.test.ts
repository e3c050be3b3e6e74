/**
 * Bounded fuzz: a fixed seed and a fixed number of malformed requests (mutated XML, random
 * bytes, deep nesting, odd method names and argument types, garbage HTTP); every request must
 * get an HTTP answer (or a closed connection for garbage HTTP), and the server must still
 * answer getState afterwards.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient } from '../../../main/engine/rpc/client.js';
import { HttpServer } from '../../../main/engine/rpc/http-server.js';
import { serializeCall, type XmlRpcValue } from '../../../main/engine/rpc/xmlrpc.js';
import { FakeFacade } from '../../helpers/fake-facade.js';
import { raw, serverConfig, tempDir } from './helpers.js';

const SEED = 0x5eed1234;
const ITERATIONS = 400;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = [
  'supervisor.getState',
  'supervisor.startProcess',
  'supervisor.stopProcess',
  'supervisor.readLog',
  'supervisor.tailProcessStdoutLog',
  'supervisor.signalProcess',
  'system.multicall',
  'system.methodHelp',
  'supervisor._update',
  'a.b.c',
  '',
  '.',
  'supervisor.',
  'x'.repeat(5000),
  'supervisor.sendProcessStdin',
  'supervisor.addProcessGroup',
  'supervisor.removeProcessGroup',
  'supervisor.clearProcessLogs',
];

let tmp: ReturnType<typeof tempDir>;
let server: HttpServer;
let sock: string;

beforeAll(async () => {
  tmp = tempDir('paddock-fuzz-');
  sock = join(tmp.dir, 's.sock');
  const facade = new FakeFacade(join(tmp.dir, 'logs'), [{ group: 'cat', name: 'cat' }]);
  server = new HttpServer({
    facade,
    config: serverConfig({ socket: sock }),
    maxBodyBytes: 256 * 1024,
  });
  await server.start();
});

afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

function garbageHttp(bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(sock);
    const done = (): void => {
      s.destroy();
      resolve();
    };
    s.on('error', done);
    s.on('close', done);
    s.on('data', () => undefined);
    s.setTimeout(5000, done);
    s.end(bytes);
  });
}

describe('fuzz', () => {
  it(`survives ${ITERATIONS} malformed requests (seed ${SEED.toString(16)})`, async () => {
    const rnd = mulberry32(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const randValue = (depth: number): XmlRpcValue => {
      const k = Math.floor(rnd() * (depth > 3 ? 5 : 7));
      switch (k) {
        case 0:
          return Math.floor(rnd() * 2 ** 31) - 2 ** 30;
        case 1:
          return rnd() < 0.5;
        case 2:
          return String.fromCharCode(
            ...Array.from({ length: Math.floor(rnd() * 20) }, () => Math.floor(rnd() * 0x3000)),
          );
        case 3:
          return Buffer.from([Math.floor(rnd() * 256), 0, 255]);
        case 4:
          return pick(['cat', 'cat:*', 'nope', 'HUP', '-1', '']);
        case 5:
          return Array.from({ length: Math.floor(rnd() * 4) }, () => randValue(depth + 1));
        default:
          return { methodName: pick(METHODS), params: [randValue(depth + 1)] };
      }
    };
    const statuses = new Map<number, number>();
    for (let i = 0; i < ITERATIONS; i++) {
      const kind = Math.floor(rnd() * 6);
      let body: Buffer;
      if (kind === 5) {
        const junk = Buffer.from(
          Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)),
        );
        await garbageHttp(
          rnd() < 0.5
            ? junk
            : Buffer.concat([
                Buffer.from('POST /RPC2 HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n'),
                junk,
              ]),
        );
        continue;
      }
      const valid = serializeCall(
        pick(METHODS),
        Array.from({ length: Math.floor(rnd() * 4) }, () => randValue(0)),
      );
      if (kind === 0) {
        body = Buffer.from(valid);
      } else if (kind === 1) {
        body = Buffer.from(valid.slice(0, Math.floor(rnd() * valid.length)));
      } else if (kind === 2) {
        const b = Buffer.from(valid);
        for (let j = 0; j < 1 + rnd() * 8; j++)
          b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        body = b;
      } else if (kind === 3) {
        const d = Math.floor(rnd() * 5000);
        body = Buffer.from(
          '<methodCall><methodName>system.multicall</methodName><params><param>' +
            '<value><array><data>'.repeat(d) +
            '</data></array></value>'.repeat(d) +
            '</param></params></methodCall>',
        );
      } else {
        body = Buffer.from(
          Array.from({ length: Math.floor(rnd() * 2000) }, () => Math.floor(rnd() * 256)),
        );
      }
      const r = await raw(sock, 'POST', '/RPC2', body, { 'Content-Type': 'text/xml' });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      expect([200, 400, 413]).toContain(r.status);
    }
    // the mix really exercised both the fault path and the 400 path
    expect(statuses.get(200) ?? 0).toBeGreaterThan(20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(20);
    const c = new RpcClient({ serverurl: `unix://${sock}` });
    expect(await c.call('supervisor.getState')).toEqual({ statecode: 1, statename: 'RUNNING' });
    c.close();
  });
});
