import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiHandler, type UiHandler } from '../../../main/engine/http/ui-api.js';
import { SupervisorError } from '../../../main/engine/model/faults.js';
import type * as Contract from '../../../preload/contract.js';
import { FakeFacade, processConfig } from './fake-facade.js';

let dir: string;
let facade: FakeFacade;
let handler: UiHandler;
let server: http.Server;
let base: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddock-ui-'));
  const staticDir = path.join(dir, 'static');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>p</title>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  facade = new FakeFacade([
    { name: 'web', processes: [processConfig('web', dir)] },
    { name: 'workers', processes: [processConfig('w0', dir), processConfig('w1', dir)] },
  ]);
  handler = createUiHandler(facade, { staticDir });
  server = http.createServer((req, res) => {
    void Promise.resolve(handler(req, res)).then((handled) => {
      if (!handled) {
        res.writeHead(404);
        res.end('not mine');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  handler.close();
  facade.killAll();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const post = (p: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  fetch(base + p, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** Reads SSE events from a stream until `until` returns true (or the deadline passes). */
async function sse(
  url: string,
  until: (events: { event: string; data: unknown }[]) => boolean,
  during?: () => Promise<void>,
): Promise<{ event: string; data: unknown }[]> {
  const ctl = new AbortController();
  const res = await fetch(url, { signal: ctl.signal });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  const events: { event: string; data: unknown }[] = [];
  let buf = '';
  let started = false;
  const deadline = Date.now() + 20_000;
  while (!until(events) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const ev = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
    }
    if (!started && events.length > 0 && during) {
      started = true;
      void during();
    }
  }
  ctl.abort();
  return events;
}

describe('ui-api', () => {
  it('serves the built UI with a strict CSP and refuses paths outside staticDir', async () => {
    const res = await fetch(base + '/');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(await res.text()).toContain('<title>p</title>');
    expect((await fetch(base + '/assets/app.js')).headers.get('content-type')).toMatch(
      /javascript/,
    );
    expect(await (await fetch(base + '/%2e%2e/secret.txt')).text()).toBe('not mine');
    expect(await (await fetch(base + '/RPC2')).text()).toBe('not mine');
  });

  it('returns a snapshot with groups and processes', async () => {
    const snap = (await (await fetch(base + '/api/snapshot')).json()) as Contract.Snapshot;
    expect(snap.groups).toEqual(['web', 'workers']);
    expect(snap.processes.map((p) => `${p.group}:${p.name}`)).toEqual([
      'web:web',
      'workers:w0',
      'workers:w1',
    ]);
    expect(snap.processes[0]?.statename).toBe('STOPPED');
  });

  it('streams the snapshot first, then live state changes from actions', async () => {
    const events = await sse(
      base + '/api/events',
      (evs) => evs.filter((e) => e.event === 'process').length >= 2,
      async () => {
        const res = await post('/api/processes/web%3Aweb/start');
        expect(res.status).toBe(200);
      },
    );
    expect(events[0]?.event).toBe('snapshot');
    const snapSeq = (events[0]?.data as Contract.Snapshot).seq;
    const procs = events
      .filter((e) => e.event === 'process')
      .map((e) => e.data as Contract.ProcessStateEvent);
    expect(procs.map((p) => p.info.statename)).toEqual(['STARTING', 'RUNNING']);
    expect(procs[0]!.seq).toBeGreaterThan(snapSeq);
    expect(procs[1]!.info.pid).toBeGreaterThan(0);
    // Already started: a typed fault.
    const again = await post('/api/processes/web:web/start');
    expect(again.status).toBe(409);
    expect(((await again.json()) as Contract.BridgeError).faultName).toBe('ALREADY_STARTED');
    const stop = await post('/api/processes/web:web/stop');
    expect(await stop.json()).toBe(true);
    const hist = (await (await fetch(base + '/api/processes/web:web/history')).json()) as unknown[];
    expect(hist.length).toBe(4);
  });

  it('validates inputs and refuses cross-origin or non-JSON posts', async () => {
    const bad = await fetch(base + '/api/log?name=web:web&stream=bogus&offset=0&length=10');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Contract.BridgeError).faultName).toBe('BAD_ARGUMENTS');
    expect(
      (await fetch(base + '/api/log?name=web:web&stream=stdout&offset=-1&length=10')).status,
    ).toBe(400);
    expect(
      (await fetch(base + '/api/log?name=web:web&stream=stdout&offset=0&length=99999999')).status,
    ).toBe(400);
    expect((await post('/api/processes/nope/start')).status).toBe(404);
    expect((await post('/api/processes/web:web/explode')).status).toBe(400);
    expect((await post('/api/processes/web:web/signal', { signal: 'HUP; rm -rf' })).status).toBe(
      400,
    );
    expect((await post('/api/all/start', {}, { origin: 'http://evil.example' })).status).toBe(403);
    const form = await fetch(base + '/api/all/start', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(form.status).toBe(415);
  });

  it('reads byte ranges across rotated backups without loading the file', async () => {
    const log = path.join(dir, 'web-stdout.log');
    fs.writeFileSync(`${log}.2`, 'oldest\n');
    fs.writeFileSync(`${log}.1`, 'older\n');
    fs.writeFileSync(log, 'current line\n');
    const get = async (offset: number, length: number) =>
      (await (
        await fetch(`${base}/api/log?name=web:web&stream=stdout&offset=${offset}&length=${length}`)
      ).json()) as Contract.LogSlice;
    const all = await get(0, 1000);
    expect(Buffer.from(all.data, 'base64').toString()).toBe('oldest\nolder\ncurrent line\n');
    expect(all.size).toBe(26);
    expect(all.files.map((f) => path.basename(f.path))).toEqual([
      'web-stdout.log.2',
      'web-stdout.log.1',
      'web-stdout.log',
    ]);
    const mid = await get(5, 6);
    expect(Buffer.from(mid.data, 'base64').toString()).toBe('t\nolde');
    const past = await get(500, 10);
    expect(past.data).toBe('');
    expect(
      (await fetch(`${base}/api/log?name=web:web&stream=main&offset=0&length=10`)).status,
    ).toBe(404);
  });

  it('searches the whole log across backups and chunk boundaries', async () => {
    const log = path.join(dir, 'w1-stdout.log');
    const filler = 'x'.repeat(1024 * 1024 - 3);
    fs.writeFileSync(`${log}.1`, `${filler}NEEDle\n`); // spans the 1 MB chunk boundary
    fs.writeFileSync(log, 'nothing\nneedle again\n');
    const r = (await (
      await fetch(`${base}/api/log-search?name=workers:w1&stream=stdout&q=needle`)
    ).json()) as Contract.LogSearchResult;
    expect(r.total).toBe(2);
    expect(r.offsets).toEqual([filler.length, filler.length + 7 + 8]);
  });

  it('pushes log ticks when the file grows', async () => {
    const log = path.join(dir, 'w0-stdout.log');
    fs.writeFileSync(log, 'a\n');
    const events = await sse(
      `${base}/api/log-events?name=workers:w0&stream=stdout`,
      (evs) => evs.some((e) => (e.data as Contract.LogTick).size === 4),
      async () => {
        fs.appendFileSync(log, 'b\n');
      },
    );
    expect((events[0]?.data as Contract.LogTick).size).toBe(2);
    expect(events.at(-1)?.event).toBe('tick');
  });

  it('previews a reload, reporting CANT_REREAD as an error string', async () => {
    facade.nextDiff = { added: ['new'], changed: ['web'], removed: [] };
    const ok = (await (await post('/api/reload/preview')).json()) as Contract.ReloadPreview;
    expect(ok.diff).toEqual({ added: ['new'], changed: ['web'], removed: [] });
    facade.nextDiff = new SupervisorError(
      'CANT_REREAD',
      "File contains no section headers. file: '/x.conf', line: 1",
    );
    const bad = (await (await post('/api/reload/preview')).json()) as Contract.ReloadPreview;
    expect(bad.diff).toBeNull();
    expect(bad.error).toContain('line: 1');
  });

  it('reports the last failed re-read at /api/config-status until one succeeds', async () => {
    const status = async () =>
      (await (await fetch(`${base}/api/config-status`)).json()) as Contract.ConfigStatus;
    facade.nextDiff = { added: [], changed: [], removed: [] };
    await post('/api/reload/preview');
    expect(await status()).toEqual({ error: null, fallback: false, at: null });
    const text = "x.conf:6 [program:x] autostart: not a valid boolean value: 'maybe'";
    facade.nextDiff = new SupervisorError('CANT_REREAD', text);
    await post('/api/reload/preview');
    const bad = await status();
    expect(bad.error).toBe(`CANT_REREAD: ${text}`);
    expect(bad.fallback).toBe(false);
    expect(bad.at).toBeGreaterThan(0);
    // A failed apply records it too; a good re-read clears it.
    facade.nextDiff = { added: [], changed: [], removed: [] };
    await post('/api/reload/apply');
    expect((await status()).error).toBeNull();
    facade.nextDiff = new SupervisorError('CANT_REREAD', text);
    expect((await post('/api/reload/apply')).status).toBe(422);
    expect((await status()).error).toContain('x.conf:6');
    facade.nextDiff = { added: [], changed: [], removed: [] };
    await post('/api/reload/preview');
    expect((await status()).error).toBeNull();
  });

  it("puts the host's own config status first", async () => {
    let host: Contract.ConfigStatus = { error: 'a.conf:3 [x] y: bad', fallback: true, at: 5 };
    const h = createUiHandler(facade, { staticDir: dir, configStatus: () => host });
    const srv = http.createServer((req, res) => void h(req, res));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/api/config-status`;
    try {
      expect(await (await fetch(url)).json()).toEqual(host);
      host = { error: null, fallback: false, at: null };
      expect(await (await fetch(url)).json()).toEqual(host);
    } finally {
      h.close();
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it('samples cpu/memory of running process trees only while subscribed', async () => {
    await post('/api/processes/workers:w1/start');
    expect(handler.sampler.active).toBe(false);
    const events = await sse(`${base}/api/stats-events`, (evs) => evs.length >= 2);
    const last = events.at(-1)?.data as Contract.StatsSample;
    const w1 = last.processes['workers:w1'];
    expect(w1?.memory).toBeGreaterThan(0);
    expect(w1?.processes).toBe(1);
    // The stream closed: the sampler stops.
    const deadline = Date.now() + 10_000;
    while (handler.sampler.active && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(handler.sampler.active).toBe(false);
    await post('/api/processes/workers:w1/stop');
  });
});
