// Module-resolution hook: `electron` resolves to the fake (registered by smoke-driver.mjs).
const FAKE = new URL('./fake-electron.mjs', import.meta.url).href;
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: FAKE, shortCircuit: true };
  return next(specifier, context);
}
