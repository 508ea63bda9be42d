import { MessageLogger } from '@smart-message/nestjs';

/** Keeps the routing table and info lines out of the benchmark output; warnings and errors still show. */
export const quietLogger: MessageLogger = {
  log: () => undefined,
  warn: (message, fields) => process.stderr.write(`WARN ${message} ${JSON.stringify(fields ?? {})}\n`),
  error: (message, fields) => process.stderr.write(`ERROR ${message} ${JSON.stringify(fields ?? {})}\n`),
};
