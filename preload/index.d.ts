/**
 * `window.paddock` for the renderer's TypeScript project (tsconfig.web.json): the type is the
 * contract's `SupervisorBridge`, the same one `preload/index.ts` is checked against with
 * `satisfies`, so the page and the preload cannot drift. (The augmentation itself lives in
 * `contract.ts`; this file re-exports it for code that imports the preload's types.)
 */
import type { SupervisorBridge } from './contract.js';

export type PaddockBridge = SupervisorBridge;

declare global {
  interface Window {
    paddock?: SupervisorBridge;
  }
}
