import { describe, expect, it } from 'vitest';
import { appPaths, chooseConfigPath } from '../../../../main/app/paths.js';

describe('paths', () => {
  it('puts user files under userData and built files under the app root', () => {
    expect(appPaths('/u', '/app')).toEqual({
      defaultConfig: '/u/supervisord.conf',
      logsDir: '/u/logs',
      stateFile: '/u/children.json',
      preload: '/app/out/preload/index.cjs',
      rendererDir: '/app/out/renderer',
      assetsDir: '/app/assets',
      appIcon: '/app/assets/icon.png',
    });
  });

  it('chooses the config: argument, then environment, then preference, then default', () => {
    expect(
      chooseConfigPath(
        ['electron', '.', '--config', '/a.conf'],
        { PADDOCK_CONFIG: '/e' },
        '/p',
        '/d',
      ),
    ).toEqual({
      path: '/a.conf',
      source: 'argument',
    });
    expect(chooseConfigPath(['x', '--config=/b.conf'], {}, null, '/d').path).toBe('/b.conf');
    expect(chooseConfigPath(['x'], { PADDOCK_CONFIG: '/e' }, '/p', '/d')).toEqual({
      path: '/e',
      source: 'environment',
    });
    expect(chooseConfigPath(['x'], { PADDOCK_CONFIG: '' }, '/p', '/d')).toEqual({
      path: '/p',
      source: 'preference',
    });
    expect(chooseConfigPath(['x', '--config'], {}, null, '/d')).toEqual({
      path: '/d',
      source: 'default',
    });
  });
});

describe('packaged paths', () => {
  it('reads tray icons from the unpacked copy next to app.asar', () => {
    const p = appPaths('/u', '/opt/Paddock/resources/app.asar');
    expect(p.assetsDir).toBe('/opt/Paddock/resources/app.asar.unpacked/assets');
    expect(p.rendererDir).toBe('/opt/Paddock/resources/app.asar/out/renderer');
  });
});
