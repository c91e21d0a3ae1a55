/**
 * The web dashboard's errors: a family with `name` set and the cause kept.
 *
 * @example
 * throw new DashboardError('Port 8080 is in use', { cause: error });
 */
export class DashboardError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DashboardError';
  }
}

/** A request the dashboard refuses (bad parameter), with the HTTP status to answer. */
export class DashboardRequestError extends DashboardError {
  public constructor(
    message: string,
    public readonly status: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DashboardRequestError';
  }
}
