import { quietNodeVersionWarning } from '../../shared/runtime/quietNodeVersionWarning.ts';

// Runs in every test worker before its test file: the AWS SDK's notice about Node 20 is turned off for the
// worker and for the processes and threads its tests start (they inherit this environment); every other
// warning still prints.
quietNodeVersionWarning();
