#!/usr/bin/env node
// paddock-pidproxy: supervisord's pidproxy (built output in out/; run `npm run build` first).
import { main } from '../out/main/engine/cli/pidproxy.js';

main(process.argv.slice(2)).then((code) => process.exit(code));
