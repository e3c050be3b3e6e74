#!/usr/bin/env node
// paddockctl: supervisorctl-compatible control client (built into out/ by `npm run build`).
import { run } from '../out/main/engine/cli/paddockctl.js';

const code = await run(process.argv.slice(2));
process.stdout.write('', () => process.exit(code));
