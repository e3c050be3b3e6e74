/**
 * A real paddockd under RPC abuse: 100 concurrent clients hammering start/stop/status, and a
 * seeded fuzz of method calls and malformed request bodies. The daemon must answer every
 * request (result, fault or HTTP error), never crash or hang, and keep a consistent state.
 */
import { request } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { RpcClient, XmlRpcFault } from '../../../main/engine/rpc/client.js';
import type { XmlRpcValue } from '../../../main/engine/rpc/xmlrpc.js';
import { tempDir } from '../../helpers/config.js';
import { eventually } from '../../helpers/engine.js';
import {
  alive,
  daemonConf,
  type InfoLite,
  killTagged,
  newTag,
  type Paddockd,
  prng,
  runPaddockd,
  tagged,
} from './_util.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const NAMES = Array.from({ length: 10 }, (_, i) => `p${i}`);

async function boot(name: string) {
  const dir = tempDir(`paddock-fault-${name}-`);
  const tag = newTag(name);
  const programs = NAMES.map(
    (n) => `[program:${n}]\ncommand=sleep 1000\nstartsecs=0\nstopwaitsecs=1\n`,
  ).join('\n');
  const conf = daemonConf(dir, programs);
  const socket = path.join(dir, 'rpc.sock');
  const d = await runPaddockd(conf, socket, tag);
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => killTagged(tag));
  cleanups.push(() => d.stop());
  await eventually(async () => {
    const all = (await d.client.call('supervisor.getAllProcessInfo')) as unknown as InfoLite[];
    return all.every((p) => p.statename === 'RUNNING');
  }, 'all RUNNING');
  return { dir, tag, socket, d };
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN);
}

/** After the storm: every state settled, RUNNING pids alive, no untracked child. */
async function expectConsistent(d: Paddockd, tag: string) {
  let all: InfoLite[] = [];
  await eventually(async () => {
    all = (await d.client.call('supervisor.getAllProcessInfo')) as unknown as InfoLite[];
    return all.every((p) => p.statename === 'RUNNING' || p.statename === 'STOPPED');
  }, 'states to settle');
  const running = all.filter((p) => p.statename === 'RUNNING');
  expect(running.every((p) => alive(p.pid))).toBe(true);
  await eventually(
    () => {
      const live = tagged(tag)
        .filter((p) => p.name !== '')
        .map((p) => p.pid)
        .sort((a, b) => a - b);
      return (
        JSON.stringify(live) === JSON.stringify(running.map((p) => p.pid).sort((a, b) => a - b))
      );
    },
    'live children to be exactly the RUNNING pids',
    10_000,
  );
  expect(((await d.client.call('supervisor.getState')) as { statename: string }).statename).toBe(
    'RUNNING',
  );
}

describe('fault: RPC abuse on a real paddockd', () => {
  it(
    '100 concurrent clients hammering start/stop/status: no crash, consistent state, memory back',
    { timeout: 60_000 },
    async () => {
      const { tag, socket, d } = await boot('hammer');
      const rss0 = rssKiB(d.pid);
      const clients = Array.from(
        { length: 100 },
        () => new RpcClient({ serverurl: `unix://${socket}`, timeoutMs: 20_000 }),
      );
      cleanups.push(() => clients.forEach((c) => c.close()));
      const rnd = prng(0xbeef);
      const unexpected: string[] = [];
      let calls = 0;
      const until = Date.now() + 6000;
      await Promise.all(
        clients.map(async (c) => {
          while (Date.now() < until) {
            const n = NAMES[Math.floor(rnd() * NAMES.length)] as string;
            const r = rnd();
            try {
              if (r < 0.2) await c.call('supervisor.startProcess', n, rnd() < 0.5);
              else if (r < 0.4) await c.call('supervisor.stopProcess', n, rnd() < 0.5);
              else if (r < 0.7) await c.call('supervisor.getProcessInfo', n);
              else if (r < 0.9) await c.call('supervisor.getAllProcessInfo');
              else await c.call('supervisor.getState');
              calls++;
            } catch (e) {
              calls++;
              // ALREADY_STARTED, NOT_RUNNING, ABNORMAL_TERMINATION (a start racing another client's stop) are expected
              if (e instanceof XmlRpcFault && [40, 60, 70].includes(e.faultCode)) continue;
              if (unexpected.length < 20) unexpected.push(String(e));
            }
          }
        }),
      );
      expect(unexpected).toEqual([]);
      expect(calls).toBeGreaterThan(500);
      expect(d.isGone()).toBe(false);
      await expectConsistent(d, tag);
      for (const c of clients) c.close();
      // memory: back near its level once the clients are gone (generous bound: this is a leak check)
      await eventually(() => rssKiB(d.pid) < rss0 + 64 * 1024, 'RSS back near its level', 10_000);
    },
  );

  it(
    'seeded RPC fuzz: every call gets a result, a fault or an HTTP error; the daemon survives',
    { timeout: 90_000 },
    async () => {
      const { tag, socket, d } = await boot('rpcfuzz');
      const methods = ((await d.client.call('system.listMethods')) as string[]).filter(
        (m) => !/shutdown|restart/.test(m),
      );
      expect(methods.length).toBeGreaterThan(20);
      const rnd = prng(20261124);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
      const value = (depth: number): XmlRpcValue => {
        const r = rnd();
        if (r < 0.25)
          return pick([...NAMES, 'p0:*', 'p1:p1', 'nope', '', ':', 'p2:', 'x'.repeat(5000)]);
        if (r < 0.4) return pick([0, 1, -1, 2147483647, -2147483648, 15, 9, 19, 10_000_000]);
        if (r < 0.5) return rnd() < 0.5;
        if (r < 0.55) return pick(['TERM', 'HUP', 'USR1', 'STOP', 'CONT', 'BOGUS', '9']);
        if (r < 0.6) return Buffer.from('bin\0ary');
        if (r < 0.65) return 3.25;
        if (depth > 2) return 'leaf';
        if (r < 0.8) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
        const s: Record<string, XmlRpcValue> = {};
        for (let i = 0; i < Math.floor(rnd() * 3); i++)
          s[pick(['methodName', 'params', 'k'])] = value(depth + 1);
        return s;
      };
      const client = new RpcClient({ serverurl: `unix://${socket}`, timeoutMs: 15_000 });
      cleanups.push(() => client.close());
      const unexpected: string[] = [];
      for (let i = 0; i < 250; i++) {
        const m = pick(methods);
        let params = Array.from({ length: Math.floor(rnd() * 4) }, () => value(0));
        if (m === 'system.multicall') {
          params = [
            Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({
              methodName: pick(methods.filter((x) => x !== 'system.multicall')),
              params: Array.from({ length: Math.floor(rnd() * 3) }, () => value(1)),
            })),
          ];
        }
        try {
          await client.call(m, ...params);
        } catch (e) {
          if (e instanceof XmlRpcFault) continue;
          unexpected.push(`${m}(${JSON.stringify(params).slice(0, 200)}): ${String(e)}`);
          if (d.isGone()) break;
        }
      }
      // malformed bodies: each gets an HTTP answer
      const bodies: Buffer[] = [
        Buffer.from(''),
        Buffer.from('<'),
        Buffer.from('<?xml version="1.0"?><methodCall><methodName>supervisor.getState'),
        Buffer.from(
          `<methodCall><methodName>x</methodName><params>${'<param><value><array><data>'.repeat(3000)}`,
        ),
        Buffer.from(
          '<methodCall><methodName>supervisor.getProcessInfo</methodName><params><param><value><int>99999999999999999999</int></value></param></params></methodCall>',
        ),
        Buffer.from(
          '<!DOCTYPE a [<!ENTITY x "xx">]><methodCall><methodName>&x;</methodName></methodCall>',
        ),
      ];
      for (let i = 0; i < 40; i++) {
        const b = Buffer.alloc(1 + Math.floor(rnd() * 2000));
        for (let k = 0; k < b.length; k++) b[k] = Math.floor(rnd() * 256);
        bodies.push(b);
      }
      for (const body of bodies) {
        const status = await new Promise<number | string>((resolve) => {
          const req = request(
            {
              socketPath: socket,
              method: 'POST',
              path: '/RPC2',
              headers: { 'Content-Type': 'text/xml', 'Content-Length': String(body.length) },
              timeout: 15_000,
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          );
          req.on('timeout', () => req.destroy(new Error('timed out')));
          req.on('error', (e) => resolve(`error ${e.message}`));
          req.end(body);
        });
        if (typeof status !== 'number')
          unexpected.push(`raw body ${body.subarray(0, 40).toString('hex')}: ${status}`);
      }
      expect(unexpected).toEqual([]);
      expect(d.isGone()).toBe(false);
      // whatever the fuzz did, bring every program back up and check the daemon still works
      await client.call('supervisor.startAllProcesses', true).catch(() => undefined);
      await expectConsistent(d, tag);
    },
  );
});
