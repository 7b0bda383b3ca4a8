import type { z } from 'zod';
import { formatPath, InputError } from '@keel/solver-native/errors';

export { InputError, isInputError, formatPath, type InputIssue } from '@keel/solver-native/errors';

/**
 * Parses `data` with a Zod schema; on failure throws an InputError listing every issue with
 * its JSON path (`prefix` is prepended, e.g. the file name's role).
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, prefix: readonly PropertyKey[] = []): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  throw new InputError(
    r.error.issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message })),
  );
}
