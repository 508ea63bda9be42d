/**
 * Prints where a profile from `pnpm bench --cpu-prof` spent its time: the share of each package,
 * the functions with the most self time, and our functions by inclusive time. Usage (from bench/):
 *   TS_NODE_PROJECT=tsconfig.json TS_NODE_SWC=true node -r ts-node/register/transpile-only \
 *     src/tools/profile-summary.ts profiles/<name>.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';
import { CpuProfile, frameLabel, IDLE_NODE, packageOf, rootsOf, selfTimes } from '../harness/cpu-profile-reader';

/**
 * Time spent in each function including what it called (each sample counted once per function
 * even when the function is on the stack several times): the cost of a step, e.g. `seal`.
 */
function inclusiveTimes(profile: CpuProfile, selfUs: Map<number, number>): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  const walk = (id: number, onStack: ReadonlySet<string>): void => {
    const node = byId.get(id)!;
    const key = frameLabel(node.callFrame);
    const stack = onStack.has(key) ? onStack : new Set([...onStack, key]);
    const self = node.callFrame.functionName === IDLE_NODE ? 0 : (selfUs.get(id) ?? 0);
    if (self > 0) for (const name of stack) totals.set(name, (totals.get(name) ?? 0) + self);
    for (const child of node.children ?? []) walk(child, stack);
  };
  for (const root of rootsOf(profile)) walk(root.id, new Set());
  return totals;
}

function summarize(path: string, top: number): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = selfTimes(profile);
  const total = [...selfUs.values()].reduce((sum, value) => sum + value, 0);
  const idle = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === IDLE_NODE);
  const idleUs = idle.reduce((sum, [, value]) => sum + value, 0);

  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === IDLE_NODE) continue;
    const key = frameLabel(frame);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const owner = packageOf(frame.url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  }
  const busy = total - idleUs;
  const pct = (us: number): string => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  console.log(`${path}\n  busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled\n`);
  console.log('  self time by package:');
  for (const [owner, us] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`  ${pct(us)}  ${owner}`);
  console.log(`\n  top ${top} functions by self time:`);
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${pct(us)}  ${key}`);
  console.log(`\n  top ${top} functions of packages/ by inclusive time (self + callees):`);
  const inclusive = [...inclusiveTimes(profile, selfUs)].filter(([key]) => key.includes('packages/'));
  for (const [key, us] of inclusive.sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${key}`);
  console.log('');
}

const [, , ...args] = process.argv;
const top = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 30);
for (const path of args.filter((arg) => !/^\d+$/.test(arg))) summarize(path, top);
