// Runs the bundled main/index.ts under plain Node with the fake electron, drives it like a user
// would, and prints one JSON line per step: `node smoke-driver.mjs <bundled-main.mjs> <mode>`.
//   mode "drive":   IPC calls, tray menu clicks, window close, then app.quit()
//   mode "sigterm": waits for RUNNING, prints the pid, and waits for SIGTERM from the test
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register(new URL('./electron-hooks.mjs', import.meta.url));
const [mainBundle, mode] = process.argv.slice(2);
const out = (step, data) => process.stdout.write(`${JSON.stringify({ step, ...data })}\n`);

const { app } = await import('electron');
const rec = globalThis.fakeElectron;
await import(pathToFileURL(mainBundle).href);

async function until(pred, what, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const win = await until(() => rec.windows[0], 'window');
const invoke = (channel, args, sender = win.webContents, frame = win.webContents.mainFrame) =>
  rec.ipcHandlers.get(channel)({ sender, senderFrame: frame }, ...args);
const snapshot = async () => (await invoke('supervisor:snapshot', [])).value;
const web = async () => (await snapshot()).processes.find((p) => p.name === 'web');

if (mode === 'firstrun') {
  await until(() => rec.trays[0]?.tooltip, 'tray');
  const snap = await snapshot();
  out('firstrun', {
    processes: snap.processes.map((p) => `${p.name}:${p.statename}`),
    visible: win.visible,
    tooltip: rec.trays[0].tooltip,
    notifications: rec.notifications.map((n) => n.title),
  });
  app.quit();
  await new Promise(() => {});
}

await until(async () => (await web())?.statename === 'RUNNING', 'web RUNNING');
const menuLabels = (items) =>
  items.map((i) =>
    i.type === 'separator' ? '---' : i.submenu ? { [i.label]: menuLabels(i.submenu) } : i.label,
  );
const click = (label) => {
  const find = (items) => {
    for (const i of items) {
      if (i.label === label) return i;
      if (i.submenu) {
        const f = find(i.submenu);
        if (f) return f;
      }
    }
    return null;
  };
  find(rec.trays[0].menu.template).click();
};

if (mode === 'sigterm') {
  out('running', { pid: (await web()).pid });
  await new Promise(() => {});
}

out('window', {
  count: rec.windows.length,
  visible: win.visible,
  url: win.webContents.url,
  webPreferences: win.options.webPreferences,
  schemes: rec.schemes,
  channels: [...rec.ipcHandlers.keys()].length,
});

const serve = rec.protocolHandlers.get('paddock');
const fetchApp = async (url) => {
  const r = await serve(new Request(url));
  return {
    status: r.status,
    csp: r.headers.get('content-security-policy'),
    type: r.headers.get('content-type'),
    body: r.status === 200 ? await r.text() : '',
  };
};
out('protocol', {
  index: await fetchApp('paddock://app/index.html'),
  root: await fetchApp('paddock://app/'),
  traversal: await fetchApp('paddock://app/..%2f..%2fetc/passwd'),
  otherHost: await fetchApp('paddock://evil/index.html'),
});

const pid = (await web()).pid;
const untrusted = { id: 999, send() {}, mainFrame: {} };
out('ipc', {
  pid,
  untrusted: await invoke('process:stop', ['web'], untrusted, untrusted.mainFrame),
  subframe: await invoke('process:stop', ['web'], win.webContents, { url: 'x' }),
  badArgs: await invoke('process:stop', [42]),
  badName: await invoke('process:stop', ['nope']),
});

await until(() => rec.trays[0]?.menu, 'tray menu');
await until(() => rec.trays[0].image.path.endsWith('running.png'), 'tray running icon');
out('tray', {
  labels: menuLabels(rec.trays[0].menu.template),
  icon: rec.trays[0].image.path,
  tooltip: rec.trays[0].tooltip,
});

click('Stop all');
await until(async () => (await web()).statename === 'STOPPED', 'stopped by tray');
await until(() => rec.trays[0].image.path.endsWith('stopped.png'), 'tray stopped icon');
click('Start all');
await until(async () => (await web()).statename === 'RUNNING', 'started by tray');
await until(() => rec.trays[0].image.path.endsWith('running.png'), 'tray running icon again');
out('tray-actions', {
  icon: rec.trays[0].image.path,
  pushes: win.webContents.sent.filter((s) => s.channel === 'process:state').length,
});

win.close();
out('closed', { visible: win.visible, destroyed: win.destroyed });

const finalPid = (await web()).pid;
out('quitting', { pid: finalPid });
app.quit();
