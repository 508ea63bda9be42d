/** The parts of the scaling benchmark, selectable with `--only`. */
export const SCALING_PARTS = ['throughput', 'in-memory', 'streams-backlog'] as const;

export type ScalingPart = (typeof SCALING_PARTS)[number];

export function selectParts(only: readonly string[]): ScalingPart[] {
  if (only.length === 0) return [...SCALING_PARTS];
  const unknown = only.filter((id) => !(SCALING_PARTS as readonly string[]).includes(id));
  if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(', ')}; known: ${SCALING_PARTS.join(', ')}`);
  return SCALING_PARTS.filter((part) => only.includes(part));
}
