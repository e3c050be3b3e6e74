// A dev service that logs with ANSI colours, like most Node tools do.
const levels = [
  ['\x1b[32mINFO\x1b[0m', 'request handled'],
  ['\x1b[33mWARN\x1b[0m', 'slow query (412 ms)'],
  ['\x1b[36mDEBUG\x1b[0m', 'cache hit ratio 0.93'],
  ['\x1b[31mERROR\x1b[0m', 'upstream timed out, retrying'],
];
let n = 0;
setInterval(() => {
  const [lvl, msg] = levels[n++ % levels.length];
  const line = `${new Date().toISOString()} ${lvl} ${msg} #${n}\n`;
  (lvl.includes('ERROR') ? process.stderr : process.stdout).write(line);
}, 1000);
process.on('SIGTERM', () => {
  process.stdout.write('colour-logger: shutting down cleanly\n');
  process.exit(0);
});
