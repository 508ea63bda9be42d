import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const PAGE_INTRO = `# Benchmarks

Numbers measured by \`pnpm bench\` (the \`bench/\` package; see bench/README.md for how to rerun them).
Each benchmark writes only its own section, between its \`bench:<name>\` markers; text outside the
markers is kept as it is. Compare figures only within one section: each was measured in one run on one
machine, and the machine may have been shared with other work.
`;

function startMarker(name: string): string {
  return `<!-- bench:${name}:start -->`;
}

function endMarker(name: string): string {
  return `<!-- bench:${name}:end -->`;
}

/**
 * Puts a benchmark's section into the page: between its markers when they are there (the rest
 * of the page is left as it was), at the end of the page otherwise.
 */
export function writeSection(path: string, name: string, markdown: string): void {
  const block = `${startMarker(name)}\n${markdown.trim()}\n${endMarker(name)}`;
  const page = existsSync(path) ? readFileSync(path, 'utf8') : PAGE_INTRO;
  const start = page.indexOf(startMarker(name));
  const end = page.indexOf(endMarker(name));
  let updated: string;
  if (start >= 0 && end > start) {
    updated = page.slice(0, start) + block + page.slice(end + endMarker(name).length);
  } else {
    updated = `${page.trimEnd()}\n\n${block}\n`;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, updated);
}
