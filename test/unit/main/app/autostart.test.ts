import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  desktopEntry,
  getStartAtLogin,
  linuxAutostartPath,
  quoteExecArg,
  setStartAtLogin,
  type AutostartEnv,
} from '../../../../main/app/autostart.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paddock-autostart-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function linuxEnv(env: NodeJS.ProcessEnv): AutostartEnv {
  return {
    platform: 'linux',
    env,
    home: join(dir, 'home'),
    execPath: '/opt/Paddock/paddock',
    args: ['--hidden'],
    loginItems: {
      get: () => {
        throw new Error('not on linux');
      },
      set: () => {
        throw new Error('not on linux');
      },
    },
  };
}

describe('linux XDG autostart', () => {
  it('honours XDG_CONFIG_HOME, else ~/.config; a relative XDG_CONFIG_HOME is ignored', () => {
    expect(linuxAutostartPath({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe(
      '/x/cfg/autostart/paddock.desktop',
    );
    expect(linuxAutostartPath({}, '/home/u')).toBe('/home/u/.config/autostart/paddock.desktop');
    expect(linuxAutostartPath({ XDG_CONFIG_HOME: '' }, '/home/u')).toBe(
      '/home/u/.config/autostart/paddock.desktop',
    );
    expect(linuxAutostartPath({ XDG_CONFIG_HOME: 'rel' }, '/home/u')).toBe(
      '/home/u/.config/autostart/paddock.desktop',
    );
  });

  it('writes the entry under $XDG_CONFIG_HOME/autostart and removes it', async () => {
    const e = linuxEnv({ XDG_CONFIG_HOME: join(dir, 'xdg') });
    const file = join(dir, 'xdg', 'autostart', 'paddock.desktop');
    expect(await getStartAtLogin(e)).toBe(false);
    expect(await setStartAtLogin(e, true)).toBe(true);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Version=1.0',
        'Name=Paddock',
        'Comment=Process supervisor for your development services',
        'Exec=/opt/Paddock/paddock --hidden',
        'Icon=paddock',
        'Terminal=false',
        'Categories=Development;',
        'X-GNOME-Autostart-enabled=true',
        'Hidden=false',
        '',
      ].join('\n'),
    );
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(await getStartAtLogin(e)).toBe(true);
    expect(await setStartAtLogin(e, false)).toBe(false);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    // Removing twice is fine.
    expect(await setStartAtLogin(e, false)).toBe(false);
  });

  it('falls back to ~/.config without XDG_CONFIG_HOME', async () => {
    const e = linuxEnv({});
    await setStartAtLogin(e, true);
    expect(
      await readFile(join(dir, 'home', '.config', 'autostart', 'paddock.desktop'), 'utf8'),
    ).toContain('Exec=');
  });

  it('an entry the user disabled with Hidden=true reads as off', async () => {
    const e = linuxEnv({ XDG_CONFIG_HOME: join(dir, 'xdg') });
    await setStartAtLogin(e, true);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      linuxAutostartPath(e.env),
      desktopEntry('/x', []).replace('Hidden=false', 'Hidden=true'),
    );
    expect(await getStartAtLogin(e)).toBe(false);
  });

  it('quotes Exec arguments per the Desktop Entry spec', () => {
    expect(quoteExecArg('/usr/bin/paddock')).toBe('/usr/bin/paddock');
    expect(quoteExecArg('/home/me/My Apps/Paddock.AppImage')).toBe(
      '"/home/me/My Apps/Paddock.AppImage"',
    );
    expect(quoteExecArg('50%')).toBe('50%%');
    expect(quoteExecArg('a"b$c')).toBe('"a\\\\"b\\\\$c"');
    expect(quoteExecArg('')).toBe('""');
    expect(desktopEntry('/a b/p', ['--hidden'])).toContain('Exec="/a b/p" --hidden\n');
  });
});

describe('macOS / Windows login items', () => {
  it.each(['darwin', 'win32'] as const)(
    '%s uses the login-item seam and writes no file',
    async (platform) => {
      let state = false;
      const calls: boolean[] = [];
      const e: AutostartEnv = {
        ...linuxEnv({ XDG_CONFIG_HOME: join(dir, 'xdg') }),
        platform,
        loginItems: { get: () => state, set: (v) => (calls.push(v), (state = v)) },
      };
      expect(await setStartAtLogin(e, true)).toBe(true);
      expect(await getStartAtLogin(e)).toBe(true);
      expect(await setStartAtLogin(e, false)).toBe(false);
      expect(calls).toEqual([true, false]);
      await expect(stat(join(dir, 'xdg'))).rejects.toThrow(/ENOENT/);
    },
  );
});
