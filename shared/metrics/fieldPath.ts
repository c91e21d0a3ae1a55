import type { Fields, FieldValue } from '../record/types.ts';

/** Reads one field of a record. */
export type FieldGetter = (record: Fields) => FieldValue | undefined;

/**
 * Compiles a field path into a getter: `'ip'` reads a top-level field, `'request.path'` a nested one.
 *
 * @example
 * compileFieldPath('user.id')({ user: { id: 7 } }); // 7
 */
export const compileFieldPath = (path: string): FieldGetter => {
  if (!path.includes('.')) return (record) => record[path];
  const parts = path.split('.');
  return (record) => {
    let current: FieldValue | undefined = record;
    for (const part of parts) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
      current = (current as Fields)[part];
    }
    return current;
  };
};
