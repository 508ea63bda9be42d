import { MessageLogger } from '../interfaces/message-logger.interface';
import { DeduplicationMark, DeduplicationRequest, DeduplicationStore } from './deduplication-store.interface';

/** What became of one delivery: the handler ran (with its result), or it was a duplicate and did not. */
export type ProcessOnceOutcome<T> =
  { readonly processed: true; readonly result: T } | { readonly processed: false; readonly waitedMs: number };

const FIRST_POLL_MS = 10;
const LONGEST_POLL_MS = 500;

/**
 * Runs `work` unless the handler already processed this uuid. A delivery that finds the uuid in
 * progress waits for that run to end: it is a duplicate when the run succeeded, and takes over
 * when the run failed or its holder died (its lease ran out). Skipping at once instead would lose
 * the message whenever the holder never finishes, which is what a crash under redelivery is.
 */
export async function processOnce<T>(
  store: DeduplicationStore,
  request: DeduplicationRequest,
  work: () => Promise<T>,
  logger: MessageLogger,
): Promise<ProcessOnceOutcome<T>> {
  const started = performance.now();
  const mark = await takeMark(store, request);
  if (!mark) return { processed: false, waitedMs: performance.now() - started };
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await store.release(mark).catch((releaseError: unknown) =>
      logger.warn(`Could not release the in-progress mark of ${request.handlerId}; it lapses with its lease`, {
        handler: request.handlerId,
        uuid: request.uuid,
        error: messageOf(releaseError),
      }),
    );
    throw error;
  }
  // The handler has run: failing the delivery now would only make a redelivery run it again.
  await store.complete(mark).catch((completeError: unknown) =>
    logger.error(
      `Could not record ${request.uuid} as processed by ${request.handlerId}; a redelivery would run again`,
      {
        handler: request.handlerId,
        uuid: request.uuid,
        error: messageOf(completeError),
      },
    ),
  );
  return { processed: true, result };
}

/** The mark once this delivery holds it, or undefined when the uuid turned out processed. */
async function takeMark(
  store: DeduplicationStore,
  request: DeduplicationRequest,
): Promise<DeduplicationMark | undefined> {
  let pollMs = FIRST_POLL_MS;
  for (;;) {
    const check = await store.begin(request);
    if (check.status === 'new') return check.mark;
    if (check.status === 'duplicate') return undefined;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    pollMs = Math.min(pollMs * 2, LONGEST_POLL_MS);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
