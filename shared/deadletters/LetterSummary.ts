import type { LetterSummaryRow, StoredLetter } from './types.ts';

/** A running summary of letters by (day, reason), plus the newest ones. */
export class LetterSummary {
  private readonly rows = new Map<string, LetterSummaryRow>();
  private readonly newestLetters: StoredLetter[] = [];
  public total = 0;

  /** @param keep - how many letters to keep for the list of newest ones */
  public constructor(private readonly keep: number) {}

  /**
   * Counts one letter. Letters may come in any order; the newest `keep` ones are kept.
   *
   * @example
   * for await (const letter of queryLetters(options)) summary.add(letter);
   */
  public add(letter: StoredLetter): void {
    this.total += 1;
    const day = letter.arrivedAt.slice(0, 10);
    const key = `${day}\u0000${letter.reason}`;
    const row = this.rows.get(key);
    const replayed = letter.replayedAt !== undefined ? 1 : 0;
    if (row === undefined) {
      this.rows.set(key, {
        day,
        reason: letter.reason,
        kind: letter.kind,
        count: 1,
        replayed,
        firstSeen: letter.arrivedAt,
        lastSeen: letter.arrivedAt,
        excerpt: letter.excerpt,
      });
    } else {
      const newer = letter.arrivedAt > row.lastSeen;
      this.rows.set(key, {
        ...row,
        count: row.count + 1,
        replayed: row.replayed + replayed,
        firstSeen: letter.arrivedAt < row.firstSeen ? letter.arrivedAt : row.firstSeen,
        lastSeen: newer ? letter.arrivedAt : row.lastSeen,
        excerpt: newer ? letter.excerpt : row.excerpt,
      });
    }
    if (this.keep > 0) {
      this.newestLetters.push(letter);
      if (this.newestLetters.length > this.keep * 2) this.trim();
    }
  }

  private trim(): void {
    this.newestLetters.sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0));
    this.newestLetters.length = Math.min(this.newestLetters.length, this.keep);
  }

  /** Rows newest day first, then by count (most first). */
  public summary(): LetterSummaryRow[] {
    return [...this.rows.values()].sort((a, b) =>
      a.day !== b.day ? (a.day < b.day ? 1 : -1) : b.count - a.count || a.reason.localeCompare(b.reason),
    );
  }

  /** The newest letters, newest first. */
  public newest(): StoredLetter[] {
    this.trim();
    return [...this.newestLetters];
  }
}
