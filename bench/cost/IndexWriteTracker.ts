import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { RESULT_ATTRIBUTES as A } from '../../shared/storage/attributes.ts';
import { indexUpdateUnits } from '../dynamo/indexUpdateUnits.ts';

type Item = Readonly<Record<string, AttributeValue>>;

/**
 * Keeps the last item written under each key of one results table and adds up the index write units
 * each new write would have cost in DynamoDB (see {@link indexUpdateUnits}): dynalite maintains no index
 * for the cost figure's tables and bills none, so index units are modelled from the items really written.
 *
 * @example
 * const tracker = new IndexWriteTracker(definition);
 * tracker.observe(item); tracker.units; // running total
 */
export class IndexWriteTracker {
  private readonly last = new Map<string, Item>();
  private written: string[] = [];
  /** Index write units so far. */
  public units = 0;

  public constructor(private readonly definition: PipelineDefinition) {}

  /** Accounts for one write of `item`; returns its index write units. */
  public observe(item: Item): number {
    const key = `${item[A.pk]?.S}\u0000${item[A.sk]?.S}`;
    const units = indexUpdateUnits(this.definition, this.last.get(key), item);
    this.last.set(key, item);
    this.written.push(key);
    this.units += units;
    return units;
  }

  /** Keys of the items written since the last call (in write order). */
  public takeWritten(): string[] {
    const written = this.written;
    this.written = [];
    return written;
  }
}
