export { RetimeConfigError } from './errors.ts';
export { RecordRetimer, retimeShift } from './RecordRetimer.ts';
export { RETIME_SKIP_TEXT, type RetimeResult, type RetimeSkipReason, type RetimeStats } from './types.ts';
