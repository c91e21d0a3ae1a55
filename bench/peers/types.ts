/** Count, sum, min and max of one (group, minute), as every peer computes them. */
export interface PeerAggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** The request fields the peers read from each JSON record. */
export interface RequestRow {
  readonly ip: string;
  readonly time: string;
  readonly bytes: number;
  readonly latencyMs: number;
}

/** What a peer's result is checked against: number of (group, minute) rows and the total count. */
export interface PeerCheck {
  readonly groups: number;
  readonly records: number;
}
