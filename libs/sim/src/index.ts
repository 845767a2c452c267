/**
 * @iopath/sim — the simulation library. Spec in, result out; no framework, database or queue.
 */
export { simulate, checkSpec, type SimulateOptions, type SimulationResult, type Metrics } from './simulate.js';
export { flattenMetrics } from './metric-names.js';
export { resolveSpec, type ResolvedSpec } from './spec/resolve.js';
export { expandSweep, sweepSize, setPath, type SweepAxis, type SweepPoint } from './spec/sweep.js';
export { experimentSpecSchema, type ExperimentSpecInput } from './spec/schema.js';
export { estimateWork, DEFAULT_MAX_EVENTS, type WorkEstimate } from './budget.js';
export { SimError, InvalidSpecError, BudgetExceededError, CancelledError, type SpecProblem, type SimErrorCode } from './errors.js';
export { MODEL_VERSION, SIM_VERSION, reproducibilityKey } from './version.js';
export { CAL } from './model/calibration.js';
export { frameTimeNs, frameBytes } from './model/hardware.js';
export { buildPath } from './model/paths/index.js';
export { requestShape, clientLoad, serverOf } from './model/workload.js';
export type { Stage, RequestPath, Domain, Crossings } from './model/stage.js';
export { Environment, PS_PER_NS, PS_PER_US, nsToPs, usToPs } from './engine/environment.js';
export { Resource } from './engine/resource.js';
export { process, Process, Store } from './engine/process.js';
export type { EventTarget } from './engine/event-queue.js';
export { StreamFactory, RandomStream } from './random/streams.js';
export { exponential, uniform, jitter, Zipf } from './random/distributions.js';
export { LatencyHistogram } from './stats/latency-histogram.js';
export { confidenceInterval, type ConfidenceInterval } from './stats/confidence.js';
export { welchTTest, metricDirection, type WelchResult, type MetricDirection } from './stats/welch.js';
