import { describe, expect, it } from 'vitest';

import {
  applyOverrides,
  parseArgs,
  readLimit,
  rlimitErrors,
  UsageError,
} from '../../../main/engine/cli/paddockd.js';
import { config, tempDir } from '../../helpers/config.js';

describe('paddockd command line', () => {
  it("parses supervisord's short and long options in getopt style", () => {
    expect(
      parseArgs([
        '-c',
        'a.conf',
        '-nk',
        '-ywarn'.replace('warn', '1MB'),
        '--loglevel=debug',
        '-q/tmp',
        '--minprocs',
        '300',
      ]),
    ).toEqual({
      configuration: 'a.conf',
      nodaemon: true,
      nocleanup: true,
      logfileMaxbytes: 1024 * 1024,
      loglevel: 'debug',
      childlogdir: '/tmp',
      minprocs: 300,
    });
    expect(parseArgs(['-m', '027']).umask).toBe(0o27);
  });
  it('rejects unknown options, missing arguments and bad values', () => {
    expect(() => parseArgs(['-x'])).toThrow(UsageError);
    expect(() => parseArgs(['-c'])).toThrow('requires argument');
    expect(() => parseArgs(['-e', 'loud'])).toThrow(/invalid value for -e/);
    expect(() => parseArgs(['-z', 'many'])).toThrow(/invalid value for -z/);
  });
  it('overrides the config, resolving paths against the cwd', () => {
    const c = applyOverrides(
      config(tempDir(), []),
      parseArgs(['-l', 'x.log', '-i', 'box', '-t', '-n']),
      '/srv',
    );
    expect(c.supervisord.logfile).toBe('/srv/x.log');
    expect(c.supervisord.identifier).toBe('box');
    expect(c.supervisord.stripAnsi).toBe(true);
    expect(c.supervisord.nodaemon).toBe(true);
  });
  it('checks minfds/minprocs against the hard limits like supervisord', () => {
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units\nMax processes             100                  150                  processes\nMax open files            1024                 4096                 files\n';
    expect(readLimit('Max open files', limits)).toEqual([1024, 4096]);
    const c = config(tempDir(), [], { minfds: 8192, minprocs: 200 });
    const errs = rlimitErrors(c, limits);
    expect(errs).toHaveLength(2);
    expect(errs[0]).toContain(
      'The current environment will only allow you to open 4096 file descriptors',
    );
    expect(rlimitErrors(config(tempDir(), [], { minfds: 1024, minprocs: 100 }), limits)).toEqual(
      [],
    );
  });
});
