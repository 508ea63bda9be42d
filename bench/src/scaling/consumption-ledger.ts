/** What one consumer did in one round. */
export interface RoundConsumption {
  round: number;
  /** Handler calls that finished, duplicates included. */
  consumed: number;
  /** Wall clock (ms, see wallClockMs) when the first and the last of them finished. */
  firstAt: number;
  lastAt: number;
  /**
   * How often this consumer handled each seq (255 at most), run-length encoded as
   * [count, run length, count, run length, …]: a consumer reads its jobs in runs of consecutive
   * entries, so this stays small where one number per job would make a result of megabytes.
   */
  seqCounts: number[];
}

/**
 * A consumer's books: per round, how often it handled each seq and when it handled the first and
 * the last, so the main process can add up all consumers and find losses and duplicates.
 */
export class ConsumptionLedger {
  private readonly rounds = new Map<
    number,
    { counts: Uint8Array; consumed: number; firstAt: number; lastAt: number }
  >();

  constructor(private readonly messagesPerRound: number) {}

  record(round: number, seq: number, at: number): void {
    let books = this.rounds.get(round);
    if (!books) {
      books = { counts: new Uint8Array(this.messagesPerRound), consumed: 0, firstAt: at, lastAt: at };
      this.rounds.set(round, books);
    }
    books.consumed++;
    books.lastAt = at;
    if (seq < books.counts.length && books.counts[seq]! < 255) books.counts[seq]!++;
  }

  results(): RoundConsumption[] {
    return [...this.rounds]
      .sort(([a], [b]) => a - b)
      .map(([round, books]) => ({
        round,
        consumed: books.consumed,
        firstAt: books.firstAt,
        lastAt: books.lastAt,
        seqCounts: runLengths(books.counts),
      }));
  }
}

function runLengths(counts: Uint8Array): number[] {
  const runs: number[] = [];
  for (let start = 0; start < counts.length;) {
    let end = start + 1;
    while (end < counts.length && counts[end] === counts[start]) end++;
    runs.push(counts[start]!, end - start);
    start = end;
  }
  return runs;
}

/** The counts per seq back from `RoundConsumption.seqCounts`. */
export function countsPerSeq(runs: readonly number[], seqs: number): Uint8Array {
  const counts = new Uint8Array(seqs);
  let seq = 0;
  for (let index = 0; index + 1 < runs.length; index += 2) {
    counts.fill(runs[index]!, seq, Math.min(seqs, seq + runs[index + 1]!));
    seq += runs[index + 1]!;
  }
  return counts;
}
