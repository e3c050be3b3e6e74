import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  isSafeExternalUrl,
  mainWindowOptions,
  navigationDecision,
  restorableBounds,
  resolveAppFile,
} from '../../../../main/app/window-options.js';

describe('mainWindowOptions', () => {
  const opts = mainWindowOptions({ preloadPath: '/app/out/preload/index.cjs', bounds: null });

  it('isolates and sandboxes the renderer with no Node and no webview', () => {
    expect(opts.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('starts hidden, with the default size unless bounds are saved', () => {
    expect(opts).toMatchObject({ show: false, width: 1100, height: 720 });
    expect(opts.x).toBeUndefined();
    const saved = mainWindowOptions({
      preloadPath: 'p',
      bounds: { x: 10, y: 20, width: 800, height: 600, maximized: false },
    });
    expect(saved).toMatchObject({ x: 10, y: 20, width: 800, height: 600 });
  });

  it('has a strict CSP', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("base-uri 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });
});

describe('navigation policy', () => {
  it.each([
    ['https://supervisord.org/', true],
    ['http://localhost:8000/x', true],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<b>x</b>', false],
    ['smb://host/share', false],
    ['vscode://file/x', false],
    ['not a url', false],
    ['http://', false],
  ])('%s → external %s', (url, ok) => {
    expect(isSafeExternalUrl(url)).toBe(ok);
    expect(navigationDecision(url)).toBe(ok ? 'open-external' : 'deny');
  });
});

describe('restorableBounds', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('keeps bounds that are on a display', () => {
    const b = { x: 100, y: 100, width: 800, height: 600, maximized: true };
    expect(restorableBounds(b, screen)).toBe(b);
  });
  it('drops bounds on an unplugged monitor or too small', () => {
    expect(
      restorableBounds({ x: 3000, y: 100, width: 800, height: 600, maximized: false }, screen),
    ).toBeNull();
    expect(
      restorableBounds({ x: 1700, y: 100, width: 800, height: 600, maximized: false }, screen),
    ).toBeNull();
    expect(
      restorableBounds({ x: 0, y: 0, width: 100, height: 100, maximized: false }, screen),
    ).toBeNull();
    expect(restorableBounds(null, screen)).toBeNull();
  });
});

describe('resolveAppFile (paddock://app → renderer files)', () => {
  it.each([
    ['paddock://app/', '/r/index.html'],
    ['paddock://app/index.html', '/r/index.html'],
    ['paddock://app/assets/main-abc.js?x=1#y', '/r/assets/main-abc.js'],
    ['paddock://app/a%20b.css', '/r/a b.css'],
    // Dot segments are resolved by the URL parser, so they can never climb out of the root.
    ['paddock://app/../../etc/passwd', '/r/etc/passwd'],
    ['paddock://app/%2e%2e/%2e%2e/etc/passwd', '/r/etc/passwd'],
  ])('%s → %s', (url, file) => {
    expect(resolveAppFile(url, '/r')).toBe(file);
  });
  it.each([
    'paddock://app/x%00.js',
    'paddock://app/..%5c..%5cwin.ini',
    'paddock://evil/index.html',
    'file:///r/index.html',
    'https://app/index.html',
    'garbage',
  ])('%s → refused', (url) => {
    expect(resolveAppFile(url, '/r')).toBeNull();
  });
});
