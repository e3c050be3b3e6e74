#!/usr/bin/env -S node --max-semi-space-size=2
// paddockd: supervisord-compatible daemon (built output in out/; run `npm run build` first).
import { main } from '../out/main/engine/cli/paddockd.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`paddockd: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
