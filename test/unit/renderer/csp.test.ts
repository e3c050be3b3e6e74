import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { CSP } from '../../../main/engine/http/ui-api.js';

const html = fs.readFileSync(
  path.resolve(import.meta.dirname, '../../../renderer/index.html'),
  'utf8',
);

function directives(policy: string): Map<string, string> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0] as string, d]),
  );
}

describe('renderer/index.html Content-Security-Policy', () => {
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];

  it('is strict: self only, no eval, no inline script, no plugins, no base override', () => {
    expect(meta).toBeDefined();
    const d = directives(meta ?? '');
    expect(d.get('default-src')).toBe("default-src 'self'");
    expect(d.get('script-src')).toBe("script-src 'self'");
    expect(d.get('object-src')).toBe("object-src 'none'");
    expect(d.get('base-uri')).toBe("base-uri 'none'");
    expect(meta).not.toMatch(/unsafe-eval|unsafe-inline|\*/);
  });

  it('matches the header the hosts send (but for frame-ancestors, which only works as a header)', () => {
    const header = directives(CSP);
    header.delete('frame-ancestors');
    expect(directives(meta ?? '')).toEqual(header);
  });
});
