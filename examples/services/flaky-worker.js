// A queue worker that crashes now and then (exit 1 after 5-15 s), to show autorestart.
const life = 5000 + Math.floor(Math.random() * 10000);
process.stdout.write(`worker ${process.pid} started, will crash in ${life} ms\n`);
let jobs = 0;
setInterval(() => process.stdout.write(`processed job ${++jobs}\n`), 700);
setTimeout(() => {
  process.stderr.write(`worker ${process.pid}: unhandled error: connection reset by peer\n`);
  process.exit(1);
}, life);
