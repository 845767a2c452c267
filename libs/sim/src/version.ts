import { createHash } from 'node:crypto';
import { CAL } from './model/calibration.js';

/** The simulator's own version; bump it when the model's structure changes. */
export const SIM_VERSION = '0.1.0';

/**
 * Identifies the model that produced a result: the simulator version and a hash of every
 * calibration constant. Changing a constant changes it, so no stale result is mistaken for new.
 */
export const MODEL_VERSION = `${SIM_VERSION}+${createHash('sha256').update(JSON.stringify(CAL)).digest('hex').slice(0, 12)}`;
