/**
 * Wire shapes of the UI API, structurally identical to those in `preload/contract.ts` (the engine
 * may not import from preload/; `test/unit/renderer/wire-compat.test.ts` checks both stay equal).
 */
import type { ConfigDiff, ConfigInfo } from '../facade.js';
import type { FaultCode, FaultName } from '../model/faults.js';
import type { SupervisorState, SupervisorStateName } from '../model/states.js';
import type {
  GroupKind,
  LogChannel,
  ProcessInfo,
  SourceLocation,
  StateTransition,
} from '../model/types.js';

export type LogStream = LogChannel | 'main';

export interface Snapshot {
  seq: number;
  identification: string;
  state: { statecode: SupervisorState; statename: SupervisorStateName };
  pid: number;
  processes: ProcessInfo[];
  groups: string[];
}
export interface ProcessStateEvent {
  seq: number;
  transition: StateTransition;
  info: ProcessInfo;
}
export interface SupervisorStateEvent {
  seq: number;
  state: 'RUNNING' | 'STOPPING';
}
export interface GroupChangeEvent {
  seq: number;
  action: 'added' | 'removed';
  group: string;
}
export interface LogTick {
  name: string;
  stream: LogStream;
  size: number;
  generation: string;
}
export interface LogSlice {
  data: string;
  offset: number;
  size: number;
  generation: string;
  files: { path: string; size: number }[];
}
export interface ProcessStats {
  name: string;
  group: string;
  pid: number;
  cpu: number;
  memory: number;
  processes: number;
}
export interface StatsSample {
  at: number;
  processes: Record<string, ProcessStats>;
}
export interface ConfigValue {
  key: string;
  value: string;
  source: SourceLocation | null;
}
export interface ConfigProcessView {
  name: string;
  group: string;
  section: string;
  values: ConfigValue[];
}
export interface ConfigView {
  configFile: string;
  files: string[];
  warnings: string[];
  groups: { name: string; kind: GroupKind; source: SourceLocation }[];
  processes: ConfigProcessView[];
  info: ConfigInfo[];
}
export interface ConfigStatus {
  error: string | null;
  fallback: boolean;
  at: number | null;
}
export interface ReloadPreview {
  diff: ConfigDiff | null;
  error: string | null;
}
export interface ReloadResult {
  diff: ConfigDiff;
  actions: { group: string; action: 'added' | 'removed' | 'changed'; error: string | null }[];
}
export interface BridgeError {
  faultName: FaultName;
  code: FaultCode;
  message: string;
}
export const MAX_LOG_READ = 4 * 1024 * 1024;
export interface LogSearchResult {
  query: string;
  offsets: number[];
  total: number;
  size: number;
}
export const MAX_SEARCH_OFFSETS = 10_000;
