import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RpcClient, ProtocolError, XmlRpcFault } from '../../../main/engine/rpc/client.js';
import { HttpServer } from '../../../main/engine/rpc/http-server.js';
import { serializeCall } from '../../../main/engine/rpc/xmlrpc.js';
import { SupervisorStates } from '../../../main/engine/model/states.js';
import { FakeFacade } from '../../helpers/fake-facade.js';
import { raw, serverConfig, tempDir, waitFor } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let facade: FakeFacade;
let server: HttpServer;
let sock: string;
let client: RpcClient;

async function startServer(extra: Parameters<typeof serverConfig>[0] = {}, maxBodyBytes?: number) {
  server = new HttpServer({
    facade,
    config: serverConfig({ socket: sock, ...extra }),
    maxBodyBytes,
    socketCheckMs: 50,
  });
  await server.start();
}

beforeEach(async () => {
  tmp = tempDir('paddock-rpc-');
  sock = join(tmp.dir, 'supervisor.sock');
  facade = new FakeFacade(join(tmp.dir, 'logs'), [
    { group: 'cat', name: 'cat' },
    { group: 'web', name: 'web_0' },
    { group: 'web', name: 'web_1' },
    { group: 'bad', name: 'bad', failsToSpawn: true },
  ]);
  client = new RpcClient({ serverurl: `unix://${sock}` });
});

afterEach(async () => {
  client.close();
  await server?.close();
  tmp.cleanup();
});

async function fault(p: Promise<unknown>): Promise<[number, string]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof XmlRpcFault) return [e.faultCode, e.faultString];
    throw e;
  }
  throw new Error('expected a fault');
}

describe('dispatch', () => {
  beforeEach(() => startServer());

  it('getVersion/getAPIVersion/getSupervisorVersion/getState/getPID/getIdentification', async () => {
    expect(await client.call('supervisor.getVersion')).toBe('3.0');
    expect(await client.call('supervisor.getAPIVersion')).toBe('3.0');
    expect(await client.call('supervisor.getSupervisorVersion')).toBe('4.2.5');
    expect(await client.call('supervisor.getState')).toEqual({
      statecode: 1,
      statename: 'RUNNING',
    });
    expect(await client.call('supervisor.getPID')).toBe(process.pid);
    expect(await client.call('supervisor.getIdentification')).toBe('supervisor');
  });

  it('unknown and private method names are UNKNOWN_METHOD', async () => {
    for (const name of [
      'a.b.c',
      'supervisor._update',
      'supervisor.nope',
      'nope.getState',
      'getState',
      'supervisor.',
      'supervisor.constructor',
      'supervisor.__proto__',
      'system.toString',
    ]) {
      expect(await fault(client.call(name)), name).toEqual([1, 'UNKNOWN_METHOD']);
    }
  });

  it('wrong argument counts and types are INCORRECT_PARAMETERS', async () => {
    expect(await fault(client.call('supervisor.getState', 1))).toEqual([2, 'INCORRECT_PARAMETERS']);
    expect(await fault(client.call('supervisor.startProcess'))).toEqual([
      2,
      'INCORRECT_PARAMETERS',
    ]);
    expect(await fault(client.call('supervisor.startProcess', 'a', true, 3))).toEqual([
      2,
      'INCORRECT_PARAMETERS',
    ]);
    expect((await fault(client.call('supervisor.startProcess', 5)))[0]).toBe(2);
    expect((await fault(client.call('supervisor.readLog', 'x', 0)))[0]).toBe(2);
    expect(await fault(client.call('supervisor.sendProcessStdin', 'cat', 5))).toEqual([
      2,
      'INCORRECT_PARAMETERS: 5',
    ]);
    // int(offset) accepts numeric strings, as supervisord does
    expect(await client.call('supervisor.readLog', '0', '0')).toBe('main log line\n');
  });

  it('process lifecycle and faults', async () => {
    expect(await client.call('supervisor.startProcess', 'cat')).toBe(true);
    expect(await fault(client.call('supervisor.startProcess', 'cat'))).toEqual([
      60,
      'ALREADY_STARTED: cat',
    ]);
    expect(await fault(client.call('supervisor.startProcess', 'nope'))).toEqual([
      10,
      'BAD_NAME: nope',
    ]);
    expect(await fault(client.call('supervisor.startProcess', 'bad', false))).toEqual([
      50,
      'SPAWN_ERROR: bad',
    ]);
    const info = (await client.call('supervisor.getProcessInfo', 'cat')) as Record<string, unknown>;
    expect(Object.keys(info)).toEqual([
      'name',
      'group',
      'start',
      'stop',
      'now',
      'state',
      'statename',
      'spawnerr',
      'exitstatus',
      'logfile',
      'stdout_logfile',
      'stderr_logfile',
      'pid',
      'description',
    ]);
    expect(info).toMatchObject({ name: 'cat', state: 20, statename: 'RUNNING', pid: 4000 });
    expect(await client.call('supervisor.startProcess', 'web:*')).toEqual([
      { name: 'web_0', group: 'web', status: 80, description: 'OK' },
      { name: 'web_1', group: 'web', status: 80, description: 'OK' },
    ]);
    expect(await client.call('supervisor.signalProcess', 'cat', 'HUP')).toBe(true);
    expect(await fault(client.call('supervisor.signalProcess', 'cat', 'BOGUS'))).toEqual([
      11,
      'BAD_SIGNAL: BOGUS',
    ]);
    expect(await client.call('supervisor.stopProcess', 'cat', true)).toBe(true);
    expect(await fault(client.call('supervisor.stopProcess', 'cat'))).toEqual([
      70,
      'NOT_RUNNING: cat',
    ]);
    expect(await client.call('supervisor.stopAllProcesses')).toEqual([
      { name: 'web_0', group: 'web', status: 80, description: 'OK' },
      { name: 'web_1', group: 'web', status: 80, description: 'OK' },
    ]);
    const all = (await client.call('supervisor.getAllProcessInfo')) as { name: string }[];
    expect(all.map((i) => i.name)).toEqual(['bad', 'cat', 'web_0', 'web_1']);
  });

  it('config info uses supervisord 4.2.5 keys and none for None', async () => {
    const ci = (await client.call('supervisor.getAllConfigInfo')) as Record<string, unknown>[];
    expect(ci[0]!['directory']).toBe('none');
    expect(Object.keys(ci[0]!)).not.toContain('autorestart');
    expect(Object.keys(ci[0]!)).toHaveLength(29);
  });

  it('reloadConfig, add and remove groups', async () => {
    facade.configured = facade.configured.filter((p) => p.group !== 'cat');
    facade.configured.push({ group: 'new', name: 'new' });
    expect(await client.call('supervisor.reloadConfig')).toEqual([[['new'], [], ['cat']]]);
    expect(await client.call('supervisor.addProcessGroup', 'new')).toBe(true);
    expect(await fault(client.call('supervisor.addProcessGroup', 'new'))).toEqual([
      90,
      'ALREADY_ADDED: new',
    ]);
    await client.call('supervisor.startProcess', 'new');
    expect(await fault(client.call('supervisor.removeProcessGroup', 'new'))).toEqual([
      91,
      'STILL_RUNNING: new',
    ]);
    expect(await client.call('supervisor.removeProcessGroup', 'cat')).toBe(true);
    expect(await fault(client.call('supervisor.removeProcessGroup', 'cat'))).toEqual([
      10,
      'BAD_NAME: cat',
    ]);
  });

  it('logs: read, tail, clear; control characters never break the response', async () => {
    facade.writeLog(
      'cat',
      'stdout',
      Buffer.concat([Buffer.from('hello \x1b[31mred\x1b[0m '), Buffer.from([0, 0xff, 0x0a])]),
    );
    const out = await client.call('supervisor.readProcessStdoutLog', 'cat', 0, 0);
    expect(out).toBe('hello \uFFFD[31mred\uFFFD[0m \uFFFD\uFFFD\n');
    expect(await client.call('supervisor.readProcessLog', 'cat', -4, 0)).toBe(' \uFFFD\uFFFD\n');
    expect(await fault(client.call('supervisor.readProcessStdoutLog', 'cat', -1, 1))).toEqual([
      3,
      'BAD_ARGUMENTS',
    ]);
    expect((await fault(client.call('supervisor.readProcessStderrLog', 'cat', 0, 0)))[0]).toBe(20);
    const [, off, overflow] = (await client.call(
      'supervisor.tailProcessStdoutLog',
      'cat',
      0,
      5,
    )) as [string, number, boolean];
    expect([off, overflow]).toEqual([22, true]);
    expect(await client.call('supervisor.clearProcessLogs', 'cat')).toBe(true);
    expect(await client.call('supervisor.readProcessStdoutLog', 'cat', 0, 0)).toBe('');
    expect(await client.call('supervisor.readLog', -5, 0)).toBe('line\n');
  });

  it('system.listMethods / methodHelp / methodSignature', async () => {
    const methods = (await client.call('system.listMethods')) as string[];
    expect(methods).toContain('supervisor.getVersion');
    expect(methods).toContain('system.multicall');
    expect(methods).toEqual([...methods].sort());
    // supervisord's 41 plus Paddock's paddock.updateProcessGroup
    expect(methods).toHaveLength(42);
    expect(methods).toContain('paddock.updateProcessGroup');
    expect(await client.call('system.methodHelp', 'supervisor.getState')).toContain(
      '@return struct',
    );
    expect(await client.call('system.methodSignature', 'supervisor.startProcess')).toEqual([
      'boolean',
      'string',
      'boolean',
    ]);
    expect(await fault(client.call('system.methodHelp', 'x.y'))).toEqual([
      4,
      'SIGNATURE_UNSUPPORTED',
    ]);
  });

  it('system.multicall returns unwrapped values and fault structs', async () => {
    const r = await client.call('system.multicall', [
      { methodName: 'supervisor.getAPIVersion', params: [] },
      { methodName: 'supervisor.startProcess', params: ['nope'] },
      { methodName: 'system.multicall', params: [[]] },
      { params: [] },
      { methodName: 'supervisor.getState' },
    ]);
    expect(r).toEqual([
      '3.0',
      { faultCode: 10, faultString: 'BAD_NAME: nope' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: Recursive system.multicall forbidden' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: No methodName' },
      { statecode: 1, statename: 'RUNNING' },
    ]);
  });

  it('SHUTDOWN_STATE once shutting down', async () => {
    expect(await client.call('supervisor.shutdown')).toBe(true);
    expect(facade.statecode).toBe(SupervisorStates.SHUTDOWN);
    expect(await fault(client.call('supervisor.getState'))).toEqual([6, 'SHUTDOWN_STATE']);
    expect(await client.call('supervisor.sendRemoteCommEvent', 't', 'd')).toBe(true);
  });
});

describe('HTTP transport', () => {
  it('bad XML, no method name and GET on /RPC2 are 400; unknown paths 404', async () => {
    await startServer();
    expect((await raw(sock, 'POST', '/RPC2', '<methodCall>')).status).toBe(400);
    expect((await raw(sock, 'POST', '/RPC2', '<methodCall><params/></methodCall>')).status).toBe(
      400,
    );
    expect((await raw(sock, 'GET', '/RPC2')).status).toBe(400);
    expect((await raw(sock, 'GET', '/nothing-here')).status).toBe(404);
    const ok = await raw(sock, 'POST', '/RPC2', serializeCall('supervisor.getState', []));
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('text/xml');
  });

  it('bodies over the limit get 413 (declared or streamed)', async () => {
    await startServer({}, 1000);
    const big = serializeCall('supervisor.sendProcessStdin', ['cat', 'x'.repeat(5000)]);
    expect((await raw(sock, 'POST', '/RPC2', big)).status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request({ socketPath: sock, method: 'POST', path: '/RPC2' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(500));
      req.end();
    });
    expect(chunked).toBe(413);
    expect(await client.call('supervisor.getAPIVersion')).toBe('3.0');
  });

  it('Basic auth: 401 without or with wrong credentials, plain and {SHA} passwords, before added handlers', async () => {
    const sha = '{SHA}' + createHash('sha1').update('s3cret').digest('hex');
    await startServer({ username: 'user', password: sha });
    let handlerHit = false;
    server.addHandler((req, res) => {
      if (req.url !== '/ui') return false;
      handlerHit = true;
      res.end('ui');
      return true;
    });
    const r401 = await raw(sock, 'GET', '/ui');
    expect(r401.status).toBe(401);
    expect(r401.headers['www-authenticate']).toBe('Basic realm="default"');
    expect(handlerHit).toBe(false);
    const anon = new RpcClient({ serverurl: `unix://${sock}` });
    await expect(anon.call('supervisor.getState')).rejects.toMatchObject({ status: 401 });
    anon.close();
    const wrong = new RpcClient({
      serverurl: `unix://${sock}`,
      username: 'user',
      password: 'nope',
    });
    await expect(wrong.call('supervisor.getState')).rejects.toBeInstanceOf(ProtocolError);
    wrong.close();
    const good = new RpcClient({
      serverurl: `unix://${sock}`,
      username: 'user',
      password: 's3cret',
    });
    expect(await good.call('supervisor.getAPIVersion')).toBe('3.0');
    good.close();
    const auth = 'Basic ' + Buffer.from('user:s3cret').toString('base64');
    const ui = await raw(sock, 'GET', '/ui', undefined, { Authorization: auth });
    expect([ui.status, ui.body, handlerHit]).toEqual([200, 'ui', true]);
    expect((await raw(sock, 'GET', '/ui', undefined, { Authorization: 'Basic !!!' })).status).toBe(
      400,
    );
  });

  it('plain password over TCP', async () => {
    server = new HttpServer({
      facade,
      config: serverConfig({ inetPort: 0, username: 'u', password: 'p' }),
    });
    await server.start();
    const { port } = server.inetAddress()!;
    const c = new RpcClient({
      serverurl: `http://127.0.0.1:${port}`,
      username: 'u',
      password: 'p',
    });
    expect(await c.call('supervisor.getAPIVersion')).toBe('3.0');
    c.close();
  });

  it('socket: chmod applied, stale socket replaced, in-use socket refused, recreated when deleted', async () => {
    writeFileSync(sock, 'stale'); // a leftover file nobody listens on
    await startServer({ chmod: 0o770 });
    expect(statSync(sock).mode & 0o777).toBe(0o770);
    const second = new HttpServer({ facade, config: serverConfig({ socket: sock }) });
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    unlinkSync(sock);
    await waitFor(() => existsSync(sock), 15000, 'socket recreated');
    expect(await client.call('supervisor.getAPIVersion')).toBe('3.0');
    await server.close();
    expect(existsSync(sock)).toBe(false);
  });

  it('serves 100 concurrent clients', async () => {
    await startServer();
    const clients = Array.from(
      { length: 100 },
      () => new RpcClient({ serverurl: `unix://${sock}` }),
    );
    const res = await Promise.all(clients.map((c) => c.call('supervisor.getAllProcessInfo')));
    expect(res.every((r) => Array.isArray(r) && r.length === 4)).toBe(true);
    clients.forEach((c) => c.close());
  });
});

describe('logtail', () => {
  beforeEach(() => startServer());

  function stream(path: string): Promise<{
    status: number;
    headers: Record<string, unknown>;
    text: () => string;
    close: () => void;
  }> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: sock, path }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: () => text,
          close: () => req.destroy(),
        });
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('streams the last 1024 bytes then appended data, follows truncation', async () => {
    facade.writeLog('cat', 'stdout', 'a'.repeat(2000) + 'END\n');
    const s = await stream('/logtail/cat');
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('text/plain;charset=utf-8');
    expect(s.headers['transfer-encoding']).toBe('chunked');
    await waitFor(() => s.text().length === 1024, 15000, 'initial tail');
    expect(s.text().endsWith('END\n')).toBe(true);
    facade.writeLog('cat', 'stdout', 'more\n');
    await waitFor(() => s.text().endsWith('more\n'), 15000, 'appended data');
    writeFileSync(facade.logPath('cat:cat', 'stdout'), '');
    await waitFor(() => s.text().includes('==> File truncated <==\n'), 15000, 'truncation notice');
    appendFileSync(facade.logPath('cat:cat', 'stdout'), 'after\n');
    await waitFor(() => s.text().endsWith('after\n'), 15000, 'data after truncation');
    s.close();
  });

  it('stderr channel, group:name, mainlogtail; 404 for unknown names and missing files', async () => {
    facade.writeLog('web:web_1', 'stderr', 'err!\n');
    const s = await stream('/logtail/web:web_1/stderr');
    await waitFor(() => s.text() === 'err!\n', 15000, 'stderr');
    s.close();
    const m = await stream('/mainlogtail');
    await waitFor(() => m.text() === 'main log line\n', 15000, 'main log');
    m.close();
    expect((await raw(sock, 'GET', '/logtail/nope')).status).toBe(404);
    expect((await raw(sock, 'GET', '/logtail/web:*')).status).toBe(404);
    expect((await raw(sock, 'GET', '/logtail/cat/stderr')).status).toBe(404);
    expect((await raw(sock, 'GET', '/logtail/cat/bogus')).status).toBe(404);
    expect((await raw(sock, 'POST', '/logtail/cat', '')).status).toBe(400);
  });
});
