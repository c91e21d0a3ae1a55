import type { PipelineDefinition } from '../definition/types.ts';
import { encodeGroupKey } from '../fold/groupKey.ts';
import { QueryInputError } from './errors.ts';

/** A validated group filter. */
export interface GroupSelection {
  /** The given fields, in `groupBy` order. */
  readonly fields: Readonly<Record<string, string>>;
  /** The group key, when every group-by field is given (the group is then one table partition). */
  readonly groupKey: string | undefined;
}

/**
 * Validates a group filter against the pipeline's `groupBy` fields. With every field given the group is
 * complete and has a key; with some, results are filtered on them; with none, every group matches.
 *
 * @throws {QueryInputError} naming an unknown field and the valid ones.
 * @example
 * selectGroup(requestsByIp, { ip: '203.0.113.9' }); // { fields: { ip: '203.0.113.9' }, groupKey: '203.0.113.9' }
 */
export const selectGroup = (
  definition: PipelineDefinition,
  group: Readonly<Record<string, string>> = {},
): GroupSelection => {
  for (const field of Object.keys(group)) {
    if (!definition.groupBy.includes(field)) {
      const valid =
        definition.groupBy.length > 0
          ? `group-by fields: ${definition.groupBy.join(', ')}`
          : 'it has no group-by fields';
      throw new QueryInputError(
        `Unknown group field "${field}" for pipeline "${definition.name}" (${valid})`,
      );
    }
  }
  const fields: Record<string, string> = {};
  for (const field of definition.groupBy) {
    const value = group[field];
    if (value !== undefined) fields[field] = value;
  }
  const complete = definition.groupBy.every((field) => group[field] !== undefined);
  return {
    fields,
    groupKey: complete
      ? encodeGroupKey(definition.groupBy.map((field) => group[field] as string))
      : undefined,
  };
};

/**
 * Whether a result's group has every value of the selection.
 *
 * @example
 * results.filter((r) => matchesGroup(r.group, selection.fields));
 */
export const matchesGroup = (
  group: Readonly<Record<string, string>>,
  fields: Readonly<Record<string, string>>,
): boolean => Object.entries(fields).every(([field, value]) => group[field] === value);
