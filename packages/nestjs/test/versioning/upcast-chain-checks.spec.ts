import 'reflect-metadata';
import { InvalidMessageOptionsError, Message, MessageCatalog, PlainPayload } from '@smart-message/nestjs';

const step = (payload: PlainPayload): PlainPayload => payload;

/** Applies `@Message()` to a fresh class, as an import of a module declaring it would. */
function declare(options: Parameters<typeof Message>[0]): () => void {
  return () => Message(options)(class Declared {});
}

describe('@Message() checks the upcast chain when the class is declared', () => {
  it('refuses a gap in the chain, naming the class and the missing upcaster', () => {
    const declaring = declare({ name: 'InvoiceIssued', version: 4, upcast: { 1: step, 3: step } });

    expect(declaring).toThrow(InvalidMessageOptionsError);
    expect(declaring).toThrow(
      'InvoiceIssued: the upcast chain from version 1 to 4 has a gap: add upcast[2] (2 → 3), or drop the upcasters below 3 and set minVersion',
    );
  });

  it('refuses a chain that cannot reach a distant version without walking every version in between', () => {
    expect(
      declare({ name: 'InvoiceIssued', version: 2_000_000_000, upcast: { 1: step, 1_999_999_999: step } }),
    ).toThrow(
      'InvoiceIssued: the upcast chain from version 1 to 2000000000 has a gap: add upcast[2] (2 → 3), upcast[3] (3 → 4), upcast[4] (4 → 5), upcast[5] (5 → 6), upcast[6] (6 → 7), …, or drop the upcasters below 1999999999 and set minVersion',
    );
  });

  it.each([3, 4])('refuses an upcaster keyed %p, at or above the class version 3', (key) => {
    expect(declare({ name: 'InvoiceIssued', version: 3, upcast: { 2: step, [key]: step } })).toThrow(
      `InvoiceIssued: upcast[${key}] reads version ${key}, which is not older than version 3`,
    );
  });

  it.each(['0', '1.5', 'v1', '01'])('refuses the key %p, which is no version', (key) => {
    expect(declare({ name: 'InvoiceIssued', version: 3, upcast: { [key]: step } as never })).toThrow(
      `InvoiceIssued: upcast key "${key}" is not a version (a positive integer)`,
    );
  });

  it('refuses an upcaster that is not a function', () => {
    expect(declare({ name: 'InvoiceIssued', version: 2, upcast: { 1: 'v1to2' } as never })).toThrow(
      'InvoiceIssued: upcast[1] is not a function',
    );
  });

  it('refuses a minVersion above the lowest upcaster, which would never run', () => {
    expect(declare({ name: 'InvoiceIssued', version: 3, minVersion: 2, upcast: { 1: step, 2: step } })).toThrow(
      'InvoiceIssued: minVersion 2 is above upcast[1], which would never run',
    );
  });

  it('refuses a minVersion below what the chain reaches', () => {
    expect(declare({ name: 'InvoiceIssued', version: 3, minVersion: 1, upcast: { 2: step } })).toThrow(
      'InvoiceIssued: minVersion 1 is below 2, the oldest version an upcaster reads: add upcast[1] or raise minVersion',
    );
    expect(declare({ name: 'InvoiceIssued', version: 3, minVersion: 2 })).toThrow(
      'InvoiceIssued: minVersion 2 is below 3',
    );
  });

  it.each([0, 4, 1.5])('refuses minVersion %p outside 1..version', (minVersion) => {
    expect(declare({ name: 'InvoiceIssued', version: 3, minVersion })).toThrow(
      'InvoiceIssued: minVersion must be an integer from 1 to version 3',
    );
  });

  it("refuses an onFutureVersion other than 'reject' or 'tolerant'", () => {
    expect(declare({ name: 'InvoiceIssued', onFutureVersion: 'ignore' as never })).toThrow(
      "InvoiceIssued: onFutureVersion must be 'reject' or 'tolerant', got ignore",
    );
  });

  it('refuses a gap in the downcast chain', () => {
    expect(declare({ name: 'InvoiceIssued', version: 4, downcast: { 3: step, 1: step } })).toThrow(
      'InvoiceIssued: the downcast chain from version 4 to 1 has a gap: add downcast[2] (3 → 2)',
    );
    expect(declare({ name: 'InvoiceIssued', version: 2, downcast: { 2: step } })).toThrow(
      'InvoiceIssued: downcast key "2" must be a version below 2',
    );
  });

  it('describes an accepted chain in the catalog: the versions read, the future policy, the versions published', () => {
    @Message({
      name: 'InvoicePaid',
      version: 3,
      minVersion: 2,
      upcast: { 2: step },
      onFutureVersion: 'tolerant',
      downcast: { 2: step },
    })
    class InvoicePaid {}

    expect(new MessageCatalog().describe(InvoicePaid)).toMatchObject({
      version: 3,
      readsVersions: { from: 2, to: 3 },
      onFutureVersion: 'tolerant',
      publishesAs: [2],
    });
  });
});
