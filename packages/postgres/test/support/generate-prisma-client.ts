import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const packageDir = join(__dirname, '../..');

/**
 * Generates a Prisma 7 client for `schemaText` into a temporary folder (never into the checkout)
 * and returns its folder; `remove()` deletes it. The folder gets a `node_modules` link to this
 * package's, so the generated code finds `@prisma/client` as an application's would.
 *
 * `prisma generate` needs no engine binary in Prisma 7 (the client runs through a driver adapter),
 * but the CLI still fetches the schema engine before any command unless one is named; it is never
 * run by `generate`, so any existing file will do. That keeps the test working offline, where
 * only the npm registry is reachable.
 */
export async function generatePrismaClient(schemaText: string): Promise<{ dir: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'smart-message-prisma-'));
  symlinkSync(join(packageDir, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'schema.prisma'), schemaText);
  const cli = require.resolve('prisma/build/index.js', { paths: [packageDir] });
  await promisify(execFile)(process.execPath, [cli, 'generate', '--schema', join(dir, 'schema.prisma')], {
    cwd: dir,
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
    timeout: 120_000,
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
