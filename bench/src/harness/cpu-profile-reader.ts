/**
 * Reading V8 CPU profiles (`.cpuprofile`, or what `Profiler.stop` returns): the sample tree and
 * the time each sample stands for. Shared by src/tools/profile-summary.ts and the `steps`
 * benchmark.
 */

/** Where a profile node's code is: `url` is a file path, a `node:` module, or empty for V8's own nodes. */
export interface ProfileCallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: ProfileCallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** The leaf node of each sample's stack, by id. */
  samples: number[];
  /** µs between one sample and the one before it: the time each sample stands for. */
  timeDeltas: number[];
}

/** V8's node for time spent outside JavaScript with nothing to do. */
export const IDLE_NODE = '(idle)';

/** µs of samples whose leaf is each node ("self time"), by node id. */
export function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  return self;
}

/** Each node's parent, by node id; roots have none. */
export function parentsOf(profile: CpuProfile): Map<number, number> {
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  return parents;
}

/** Nodes without a parent (V8 writes one, `(root)`). */
export function rootsOf(profile: CpuProfile): ProfileNode[] {
  const childIds = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  return profile.nodes.filter((node) => !childIds.has(node.id));
}

/** `seal  packages/nestjs/src/bus/publisher.ts:60`: a function as a reader finds it. */
export function frameLabel(frame: ProfileCallFrame): string {
  const file = frame.url.replace(/^.*\/node_modules\//, '').replace(/^.*\/(packages|bench)\//, '$1/');
  return `${frame.functionName || '(anonymous)'}  ${file}:${frame.lineNumber + 1}`;
}

/** `node_modules/.pnpm/ioredis@5/node_modules/ioredis/built/x.js` → `ioredis`; our sources by folder. */
export function packageOf(url: string): string {
  if (!url) return '(native / GC / idle)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const ours = /\/(packages\/[^/]+|bench)\/src\//.exec(url);
  if (ours) return ours[1]!;
  return url.startsWith('node:') ? 'node core' : url;
}
