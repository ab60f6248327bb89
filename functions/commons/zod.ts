/**
 * We validate with zod/mini (`import * as z from 'zod/mini'`): the same checks at ~20 KB instead
 * of ~440 KB in every Lambda bundle (classic zod's method chains defeat tree-shaking). This module
 * loads the English messages once (validation.ts imports it) and holds the shared helpers; it
 * never re-exports the namespace, which would drag every locale into the bundle.
 */

import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

/** An integer setting read from the environment (a string), bounded, with a default. */
export function envInt(min: number, max: number, fallback: number) {
  return z._default(z.pipe(z.coerce.number(), z.int().check(z.minimum(min), z.maximum(max))), fallback);
}
