/**
 * The bundled preload, run in a VM context with a stub `electron` whose ipcRenderer is wired to
 * the real main-side dispatcher: the whole renderer → preload → main → facade path, minus Electron.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broadcaster } from '../../../../main/ipc/broadcast.js';
import { dispatch, TrustedSenders } from '../../../../main/ipc/dispatch.js';
import { createIpcBridge, type IpcBridge } from '../../../../main/ipc/handlers.js';
import {
  BRIDGE_ERROR_PREFIX,
  type SupervisorBridge,
  type LogTick,
} from '../../../../preload/contract.js';
import { FakeFacade } from '../../../helpers/fake-facade.js';
import { tempDir } from '../../../helpers/config.js';

const run = promisify(execFile);
let dir: string;
let bundle: string;
let facade: FakeFacade;
let bridge: IpcBridge;
let api: SupervisorBridge;
const exposed: Record<string, unknown> = {};
type Listener = (event: unknown, payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
let broadcaster: Broadcaster;

beforeAll(async () => {
  dir = tempDir('paddock-preload-');
  bundle = join(dir, 'index.cjs');
  await run(process.execPath, ['scripts/build-preload.mjs', bundle]);
  facade = new FakeFacade(join(dir, 'logs'), [{ group: 'web', name: 'web' }]);
  broadcaster = new Broadcaster({ intervalMs: 5 });
  broadcaster.addTarget(
    {
      id: 1,
      isDestroyed: () => false,
      send: (channel, payload) => {
        // Electron structured-clones payloads; JSON is close enough for these shapes.
        for (const l of listeners.get(channel) ?? [])
          l({ sender: 'secret' }, JSON.parse(JSON.stringify(payload)));
      },
    },
    true,
  );
  bridge = createIpcBridge(facade, broadcaster, { logPollMs: 10 });
  const trusted = new TrustedSenders();
  trusted.add(1);
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, value: unknown) => {
        exposed[key] = value;
      },
    },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) =>
        JSON.parse(
          JSON.stringify(
            await dispatch(bridge.handlers, trusted, channel, { id: 1, isMainFrame: true }, args),
          ),
        ),
      on: (channel: string, l: Listener) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(l);
      },
      removeListener: (channel: string, l: Listener) => listeners.get(channel)?.delete(l),
    },
  };
  const requireStub = (id: string): unknown => {
    if (id === 'electron') return electron;
    throw new Error(`sandboxed preload may not require ${id}`);
  };
  const module = { exports: {} };
  vm.runInNewContext(readFileSync(bundle, 'utf8'), {
    require: requireStub,
    module,
    exports: module.exports,
    console,
    setTimeout,
    clearTimeout,
  });
  api = exposed.paddock as SupervisorBridge;
});

afterAll(() => {
  bridge?.dispose();
  broadcaster?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('bundled preload', () => {
  it('is one CommonJS file that requires nothing but electron', () => {
    const src = readFileSync(bundle, 'utf8');
    expect([...src.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual([
      'electron',
    ]);
    expect(src).not.toMatch(/^import /m);
  });

  it('exposes only window.paddock, with the named methods and no generic invoke', () => {
    expect(Object.keys(exposed)).toEqual(['paddock']);
    expect(typeof api.startProcess).toBe('function');
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('send');
  });

  it('round-trips a call, and turns a fault into an Error carrying the BridgeError', async () => {
    expect(await api.startProcess('web')).toBe(true);
    expect(facade.getProcessInfo('web').statename).toBe('RUNNING');
    const err = await api.startProcess('nope').catch((e: unknown) => e);
    // An Error of the preload's realm (contextBridge carries its message to the page).
    expect(Object.prototype.toString.call(err)).toBe('[object Error]');
    const msg = (err as Error).message;
    expect(msg.startsWith(BRIDGE_ERROR_PREFIX)).toBe(true);
    expect(JSON.parse(msg.slice(BRIDGE_ERROR_PREFIX.length))).toEqual({
      faultName: 'BAD_NAME',
      code: 10,
      message: 'BAD_NAME: nope',
    });
    const bad = await (api.readLog as (...a: unknown[]) => Promise<unknown>)(
      'web',
      'stdout',
      'x',
      1,
    ).catch((e: unknown) => e);
    expect((bad as Error).message).toContain('"faultName":"BAD_ARGUMENTS"');
  });

  it('onLog subscribes in main, delivers ticks without the id or the IPC event, and unsubscribes', async () => {
    facade.writeLog('web', 'stdout', 'hello\n');
    const ticks: LogTick[] = [];
    const off = api.onLog('web', 'stdout', (t) => ticks.push(t));
    await expect.poll(() => ticks.length).toBeGreaterThan(0);
    expect(ticks[0]).toEqual({
      name: 'web',
      stream: 'stdout',
      size: 6,
      generation: expect.any(String),
    });
    expect(bridge.subscriptions).toBe(1);
    off();
    await expect.poll(() => bridge.subscriptions).toBe(0);
  });

  it('onProcessState passes only the payload', async () => {
    const got: unknown[][] = [];
    const off = api.onProcessState((...args: unknown[]) => got.push(args));
    await api.stopProcess('web');
    await expect.poll(() => got.length).toBeGreaterThan(0);
    expect(got[0]).toHaveLength(1);
    expect(got[0]?.[0]).toMatchObject({ transition: { name: 'web' }, info: { name: 'web' } });
    off();
  });
});
