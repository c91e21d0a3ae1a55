/** A query over a results table that failed; the message says what to do about it. */
export class QueryError extends Error {
  public override readonly name: string = 'QueryError';
}

/**
 * The query itself is wrong: an unknown group field or metric, a metric with no single number, an
 * empty or too long time range. A command-line caller reports it as a usage error.
 */
export class QueryInputError extends QueryError {
  public override readonly name = 'QueryInputError';
}

/** The results table does not exist (not deployed, local stack not running, or another name). */
export class TableNotFoundError extends QueryError {
  public override readonly name = 'TableNotFoundError';

  public constructor(
    public readonly tableName: string,
    options?: ErrorOptions,
  ) {
    super(`Results table "${tableName}" does not exist`, options);
  }
}

/** The table exists but lacks an index the pipeline definition asks for (created for another definition). */
export class IndexNotFoundError extends QueryError {
  public override readonly name = 'IndexNotFoundError';

  public constructor(
    public readonly tableName: string,
    public readonly indexName: string,
    options?: ErrorOptions,
  ) {
    super(
      `Results table "${tableName}" has no index "${indexName}": it was created for another definition of the pipeline; redeploy it`,
      options,
    );
  }
}

/** AWS could not be reached as a caller: no credentials, no region, rejected or expired credentials, access denied. */
export class AwsAccessError extends QueryError {
  public override readonly name = 'AwsAccessError';
}

/**
 * A read would cost more Queries than allowed (`maxQueries`): nothing more is read. `planned` is what the
 * whole read costs as far as it is known when refused (before the groups are listed, the Queries that
 * list them; after, those plus one per group), `spent` the Queries already made.
 */
export class QueryCostError extends QueryError {
  public override readonly name = 'QueryCostError';

  /**
   * @param cost - what the read costs, e.g. `Rolling up ohlc from … to … costs 1440 Queries (…)`; the
   * message adds the limit and what to do.
   */
  public constructor(
    public readonly cost: string,
    public readonly planned: number,
    public readonly maxQueries: number,
    public readonly spent: number,
    options?: ErrorOptions,
  ) {
    super(
      `${cost}, more than maxQueries (${maxQueries}): narrow the range, give the group, or raise maxQueries`,
      options,
    );
  }
}

/** A table's size as DynamoDB last reported it (`DescribeTable`; AWS updates it about every six hours). */
export interface ReportedTableSize {
  readonly sizeBytes: number;
  readonly itemCount: number;
}

/**
 * A read would Scan the whole results table and the caller did not allow it (`allowScan`): nothing was
 * read. A pipeline without a rank index (no `rankBy`) has no way to list the groups of a range but a Scan,
 * and a Scan reads (and is billed for) every item of the table however short the range, so `maxQueries`
 * cannot bound it. `tableSize` is the table's size when DynamoDB reported it.
 */
export class ScanNotAllowedError extends QueryError {
  public override readonly name = 'ScanNotAllowedError';

  /**
   * @param cost - what needs the Scan and what it reads, e.g. `Rolling up trades from … to … needs a Scan of
   * the whole table "t" (…)`; the message adds what to do.
   */
  public constructor(
    public readonly cost: string,
    public readonly tableName: string,
    public readonly tableSize: ReportedTableSize | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `${cost}. maxQueries does not bound a Scan: give every group field (one Query per group), add rankBy to the pipeline, or pass allowScan: true to scan it`,
      options,
    );
  }
}
