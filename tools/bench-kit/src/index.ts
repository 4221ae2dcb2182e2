export { type BenchEntry, higherIsBetter, lowerIsBetter } from './entry.js';
export {
  PeerError,
  PeerFailedError,
  type PeerOptions,
  PeerUnavailableError,
  PYTHON,
  PythonPeer,
  runPythonPeer,
} from './python-peer.js';
export { formatResultsTable, type WriteResultsOptions, writeBenchResults } from './results.js';
export {
  cpuMsSince,
  describeMachine,
  loadAverage,
  type Timing,
  type TimingOptions,
  time,
  timeAsync,
} from './timing.js';
