// Prints "ready", then one "ping <n>" line on stdout for every SIGUSR1.
let n = 0;
process.on('SIGUSR1', () => process.stdout.write(`ping ${++n}\n`));
process.stdout.write('ready\n');
setInterval(() => {}, 1 << 30);
