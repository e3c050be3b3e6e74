// Runs an EngineHost in its own process for the crash test: `node driver.cjs <config> <state> <logdir>`.
// Prints one JSON line with the children's pids once they are recorded, then runs until killed.
import { EngineHost } from '../../../../main/app/engine-host.js';

const [configPath, stateFile, fallbackLogDir] = process.argv.slice(2) as [string, string, string];
const host = await EngineHost.start({ configPath, stateFile, fallbackLogDir });
const deadline = Date.now() + 20_000;
for (;;) {
  const procs = host.sup.getAllProcessInfo();
  if (procs.length > 0 && procs.every((p) => p.statename === 'RUNNING')) {
    await host.recordChildren();
    process.stdout.write(`${JSON.stringify(procs.map((p) => p.pid))}\n`);
    break;
  }
  if (Date.now() > deadline) throw new Error('children did not start');
  await new Promise((r) => setTimeout(r, 50));
}
setInterval(() => {}, 1 << 30);
