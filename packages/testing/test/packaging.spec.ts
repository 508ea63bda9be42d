import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';

/**
 * Packs every published package as `pnpm pack` does for a release and looks inside the tarball:
 * what a user installs must carry the licence, no build cache, and source maps whose sources exist.
 * Needs the packages built (`pnpm build`), as CI does before the tests.
 */
const PACKAGES_DIR = join(__dirname, '../..');
const PACKAGES = readdirSync(PACKAGES_DIR).filter((name) => existsSync(join(PACKAGES_DIR, name, 'package.json')));
const LICENSE_HOLDER = 'Copyright (c) 2026 SmartMessage for NestJS contributors';

interface PackedFile {
  path: string;
}

function pack(packageDir: string, destination: string): { files: string[]; root: string } {
  const output = execFileSync('pnpm', ['pack', '--json', '--pack-destination', destination], {
    cwd: packageDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { filename, files } = JSON.parse(output) as { filename: string; files: PackedFile[] };
  execFileSync('tar', ['-xzf', filename, '-C', destination]);
  return { files: files.map((file) => file.path), root: join(destination, 'package') };
}

describe('published tarballs', () => {
  let destination: string;

  beforeEach(() => {
    destination = mkdtempSync(join(tmpdir(), 'smart-message-pack-'));
  });

  afterEach(() => rmSync(destination, { recursive: true, force: true }));

  it.each(PACKAGES)('%s carries its MIT licence, no build cache, and source maps that resolve', (name) => {
    const packageDir = join(PACKAGES_DIR, name);
    if (!existsSync(join(packageDir, 'dist/index.js'))) {
      throw new Error(`packages/${name}/dist is missing: run \`pnpm build\` before this test`);
    }
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { license?: string };

    const { files, root } = pack(packageDir, destination);

    expect(manifest.license).toBe('MIT');
    expect(files).toContain('LICENSE');
    const license = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n/);
    expect(license).toContain(LICENSE_HOLDER);
    expect(files.filter((file) => file.endsWith('.tsbuildinfo'))).toEqual([]);

    const maps = files.filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const unresolved = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] };
      return sources
        .map((source) => normalize(join(dirname(map), source)))
        .filter((source) => !files.includes(source))
        .map((source) => `${map} -> ${source}`);
    });
    // A map left over from a deleted source file shows up here too: it would ship all the same
    // (`rm -rf packages/<name>/dist && pnpm build` removes it).
    expect(unresolved).toEqual([]);
  });
});
