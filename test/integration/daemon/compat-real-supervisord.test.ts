import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { nodeCmd, tempDir } from '../../helpers/config.js';
import {
  confHeader,
  haveRealSupervisord,
  type RunningDaemon,
  startDaemon,
} from '../../helpers/daemon.js';
import { eventually } from '../../helpers/engine.js';

interface Info {
  name: string;
  group: string;
  statename: string;
  spawnerr: string;
  exitstatus: number;
}

const daemons: RunningDaemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
});

/** A config exercising groups, numprocs, a crash loop, a missing command, autostart=false and an expected exit. */
function programs(): string {
  return `
[program:web]
command=${nodeCmd('forever.js')}
startsecs=0

[program:worker]
command=${nodeCmd('forever.js')}
process_name=%(program_name)s_%(process_num)02d
numprocs=2
startsecs=0

[program:crasher]
command=${nodeCmd('exit-code.js', 3)}
startsecs=1
startretries=1

[program:missing]
command=/nonexistent/bin/thing
startretries=0

[program:manual]
command=${nodeCmd('forever.js')}
autostart=false

[program:job]
command=${nodeCmd('exit-code.js', 0, 200)}
startsecs=0

[group:svc]
programs=web,worker
`;
}

const settled = new Set(['RUNNING', 'FATAL', 'STOPPED', 'EXITED']);

async function snapshot(d: RunningDaemon): Promise<Info[]> {
  return eventually(
    async () => {
      const all = (await d.client.call('supervisor.getAllProcessInfo')) as unknown as Info[];
      return all.length && all.every((i) => settled.has(i.statename)) ? all : null;
    },
    'all processes settled',
    30_000,
  );
}

describe.skipIf(!haveRealSupervisord())(
  'the same config under the real supervisord and paddockd',
  () => {
    it('reaches the same states with the same names, groups, spawn errors and exit codes', async () => {
      const results: Record<string, Info[]> = {};
      for (const kind of ['supervisord', 'paddockd'] as const) {
        const dir = tempDir(`compat-${kind}-`);
        const conf = path.join(dir, 'supervisord.conf');
        fs.writeFileSync(conf, confHeader(dir) + programs());
        const d = await startDaemon(kind, conf, `${dir}/rpc.sock`);
        daemons.push(d);
        results[kind] = (await snapshot(d)).map((i) => ({
          name: i.name,
          group: i.group,
          statename: i.statename,
          spawnerr: i.spawnerr,
          exitstatus: i.exitstatus,
        }));
        await d.stop();
      }
      expect(results.paddockd).toEqual(results.supervisord);
      expect(results.paddockd?.map((i) => `${i.group}:${i.name} ${i.statename}`)).toEqual([
        'crasher:crasher FATAL',
        'job:job EXITED',
        'manual:manual STOPPED',
        'missing:missing FATAL',
        'svc:web RUNNING',
        'svc:worker_00 RUNNING',
        'svc:worker_01 RUNNING',
      ]);
    });
  },
);
