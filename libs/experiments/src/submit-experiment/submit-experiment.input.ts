import { z } from 'zod';
import { badInput } from '../errors.js';

/** The envelope around a spec: the same for GraphQL and REST. */
const schema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    tags: z
      .array(z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'))
      .max(32, 'at most 32 tags')
      .default([]),
    spec: z.record(z.string(), z.unknown(), { error: 'must be an object (an experiment spec; {} runs the defaults)' }).default({}),
    /** false: simulate even when a stored result has the same reproducibility key. */
    cache: z.boolean().default(true),
  })
  .strict();

export type SubmitExperimentInput = z.infer<typeof schema>;

export function parseSubmitInput(input: unknown): SubmitExperimentInput {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return { ...parsed.data, tags: [...new Set(parsed.data.tags)] };
  throw badInput(
    parsed.error.issues.map((i) => ({
      path: i.path.length ? i.path.join('.') : '(body)',
      message: i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.join(', ')}; the fields are name, tags, spec and cache` : i.message,
    })),
  );
}
