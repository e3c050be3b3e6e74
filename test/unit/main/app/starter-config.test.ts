import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureStarterConfig, starterConfigText } from '../../../../main/app/starter-config.js';

const run = promisify(execFile);
const PY = '/usr/bin/python3';
const hasSupervisor =
  existsSync(PY) && existsSync('/usr/lib/python3/dist-packages/supervisor/options.py');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paddock-starter-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('starter config', () => {
  it('is written once, with its logs directory, and never overwrites', async () => {
    const file = join(dir, 'Paddock', 'supervisord.conf');
    expect(await ensureStarterConfig(file)).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(starterConfigText());
    expect((await stat(join(dir, 'Paddock', 'logs'))).isDirectory()).toBe(true);
    await writeFile(file, '[supervisord]\n; mine\n');
    expect(await ensureStarterConfig(file)).toBe(false);
    expect(await readFile(file, 'utf8')).toBe('[supervisord]\n; mine\n');
  });

  it.skipIf(!hasSupervisor)("is accepted by the real supervisord's config parser", async () => {
    const file = join(dir, 'supervisord.conf');
    await ensureStarterConfig(file);
    const script = `
import sys
from supervisor.options import ServerOptions
o = ServerOptions()
o.realize(args=['-c', sys.argv[1]])
for g in o.process_group_configs:
    for p in g.process_configs:
        print(g.name, p.name, p.autostart, p.command, p.stdout_logfile)
print('logfile', o.logfile)
`;
    const { stdout } = await run(PY, ['-c', script, file]);
    expect(stdout).toContain(
      `hello hello False /bin/sh -c "while true; do echo hello from Paddock; sleep 5; done"`,
    );
    expect(stdout).toContain(`logfile ${join(dir, 'logs', 'supervisord.log')}`);
  });
});
