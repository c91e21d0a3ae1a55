import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** DynamoDB's item size limit, in bytes. */
export const MAX_ITEM_BYTES = 400 * 1024;

const valueSize = (value: AttributeValue): number => {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined)
    return Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.M !== undefined) {
    let size = 3;
    for (const [name, inner] of Object.entries(value.M))
      size += Buffer.byteLength(name, 'utf8') + valueSize(inner) + 1;
    return size;
  }
  if (value.L !== undefined) {
    let size = 3;
    for (const inner of value.L) size += valueSize(inner) + 1;
    return size;
  }
  if (value.SS !== undefined) return value.SS.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
  if (value.NS !== undefined) return value.NS.reduce((n, s) => n + Math.ceil(s.length / 2) + 1, 0);
  if (value.BS !== undefined) return value.BS.reduce((n, b) => n + b.length, 0);
  return 0;
};

/**
 * An item's size as DynamoDB bills it (attribute names plus values, per the documented rules; numbers
 * approximated as 1 byte per two significant digits plus one). Write units are `ceil(size / 1024)`.
 *
 * @example
 * itemSizeBytes({ pk: { S: 'a' }, n: { N: '12' } }); // 6
 */
export const itemSizeBytes = (item: Readonly<Record<string, AttributeValue>>): number => {
  let size = 0;
  for (const [name, value] of Object.entries(item))
    size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  return size;
};
