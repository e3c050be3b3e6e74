import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { nodeCmd, tempDir } from '../../helpers/config.js';
import { confHeader, ROOT, type RunningDaemon, startDaemon } from '../../helpers/daemon.js';
import { eventually } from '../../helpers/engine.js';

interface Info {
  name: string;
  group: string;
  statename: string;
  pid: number;
}

const daemons: RunningDaemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
});

function ctl(conf: string, ...args: string[]) {
  return spawnSync(process.execPath, [path.join(ROOT, 'bin/paddockctl.js'), '-c', conf, ...args], {
    encoding: 'utf8',
  });
}

describe('paddockctl update --changed-only against paddockd (supervisor #1154)', () => {
  it('restarts only the program whose config changed; its group siblings keep running', async () => {
    const dir = tempDir();
    const conf = path.join(dir, 'supervisord.conf');
    const body = (bEnv: string) => `${confHeader(dir)}
[program:a]
command=${nodeCmd('forever.js')}
startsecs=0
[program:b]
command=${nodeCmd('forever.js')}
startsecs=0
environment=VERSION="${bEnv}"
[program:c]
command=${nodeCmd('forever.js')}
startsecs=0
[group:app]
programs=a,b
`;
    fs.writeFileSync(conf, body('1'));
    const d = await startDaemon('paddockd', conf, `${dir}/rpc.sock`);
    daemons.push(d);
    const pids = async () => {
      const all = (await d.client.call('supervisor.getAllProcessInfo')) as unknown as Info[];
      return all.every((i) => i.statename === 'RUNNING')
        ? Object.fromEntries(all.map((i) => [`${i.group}:${i.name}`, i.pid]))
        : null;
    };
    const before = await eventually(pids, 'all RUNNING');
    fs.writeFileSync(conf, body('2'));
    const r = ctl(conf, 'update', '--changed-only');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('app:b: restarted with new config');
    expect(r.status).toBe(0);
    const after = await eventually(pids, 'all RUNNING again');
    expect(after['app:a']).toBe(before['app:a']);
    expect(after['c:c']).toBe(before['c:c']);
    expect(after['app:b']).not.toBe(before['app:b']);

    // Plain `update` keeps supervisord's meaning: the whole changed group restarts.
    fs.writeFileSync(conf, body('3'));
    const plain = ctl(conf, 'update');
    expect(plain.stdout).toContain('app: updated process group');
    const last = await eventually(pids, 'all RUNNING after plain update');
    expect(last['app:a']).not.toBe(after['app:a']);
  });
});
