import { execFileSync } from 'node:child_process';

/**
 * The commit the measured code came from, and whether the working tree differed from it: the
 * numbers belong to that code, not to whatever the page is read beside.
 */
export function sourceRevision(repoRoot: string): string {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const changed = git('status', '--porcelain', '--', 'packages', 'bench').split('\n').filter(Boolean).length;
    return changed > 0 ? `${commit} with ${changed} uncommitted change(s) in packages/ and bench/` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
