import { AwsAccessError, type ReportedTableSize, ScanNotAllowedError } from './errors.ts';
import type { ResultsTableReader } from './ResultsTableReader.ts';

/** Bytes a read unit reads (an eventually consistent read reads twice as much per unit). */
const READ_UNIT_BYTES = 4_096;

const describeSize = (size: ReportedTableSize | undefined, consistentRead: boolean): string => {
  if (size === undefined) return 'its size could not be read (DescribeTable was denied or said nothing)';
  const units = Math.ceil(size.sizeBytes / READ_UNIT_BYTES) * (consistentRead ? 1 : 0.5);
  return `DynamoDB last reported ${size.sizeBytes.toLocaleString('en-US')} bytes in ${size.itemCount.toLocaleString('en-US')} items, about ${units.toLocaleString('en-US')} read units a Scan (it updates these figures about every six hours)`;
};

/**
 * Refuses a Scan the caller did not allow: reads the table's size as DynamoDB last reported it (one
 * DescribeTable, no read units), then throws a {@link ScanNotAllowedError} that says the Scan reads the
 * whole table, however short the range, and what that table holds. A caller allowed to Scan but not to
 * DescribeTable gets the error without the figures; any other failure (no such table, no credentials, an
 * endpoint that does not answer) would fail the Scan too, and is thrown as it is.
 *
 * @param what - what needs the Scan, e.g. `Rolling up trades from … to …`.
 * @throws {ScanNotAllowedError} always, unless reading the size fails otherwise.
 * @example
 * if (options.allowScan !== true) await refuseScan(reader, `Rolling up ${definition.name} …`, false);
 */
export const refuseScan = async (
  reader: ResultsTableReader,
  what: string,
  consistentRead: boolean,
): Promise<never> => {
  let size: ReportedTableSize | undefined;
  try {
    size = await reader.tableSize();
  } catch (error) {
    const denied =
      error instanceof AwsAccessError && (error.cause as Error | undefined)?.name === 'AccessDeniedException';
    if (!denied) throw error;
  }
  throw new ScanNotAllowedError(
    `${what} needs a Scan of the whole table "${reader.tableName}" (pipeline ${reader.definition.name} has no rankBy index to list the groups of a range): a Scan reads every item of the table however short the range, so its cost grows with the table; ${describeSize(size, consistentRead)}`,
    reader.tableName,
    size,
  );
};
