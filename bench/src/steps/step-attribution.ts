import { CpuProfile, frameLabel, parentsOf, ProfileCallFrame } from '../harness/cpu-profile-reader';
import { FRAME_RULES, FrameRule, StepId, STEPS, VALIDATION_SIDES } from './step-table';

/** Where one profile's time went, by step. */
export interface StepBreakdown {
  /** µs of samples attributed to each step. */
  stepUs: Record<StepId, number>;
  /** µs of all samples, idle included (but not the profiler's own start and stop). */
  totalUs: number;
  /** Samples counted (the profiler's own are not). */
  samples: number;
  /** The leaf functions of what no rule matched ("other"), most time first. */
  unmatched: { frame: string; us: number }[];
}

/**
 * Splits a profile's samples into steps (src/steps/step-table.ts): for each sample, the first
 * frame from its leaf towards the root that a rule matches decides its step.
 */
export function attributeToSteps(profile: CpuProfile, unmatchedToKeep = 8): StepBreakdown {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = parentsOf(profile);
  const stepOfNode = new Map<number, StepId | 'profiler'>();
  const stepOf = (id: number): StepId | 'profiler' => {
    let step = stepOfNode.get(id);
    if (step === undefined) {
      const stack: ProfileCallFrame[] = [];
      for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
        stack.push(byId.get(current)!.callFrame);
      }
      step = resolveStep(stack);
      stepOfNode.set(id, step);
    }
    return step;
  };

  const stepUs = Object.fromEntries(STEPS.map((step) => [step.id, 0])) as Record<StepId, number>;
  const unmatched = new Map<string, number>();
  let totalUs = 0;
  let samples = 0;
  profile.samples.forEach((id, index) => {
    const step = stepOf(id);
    if (step === 'profiler') return;
    const us = profile.timeDeltas[index] ?? 0;
    stepUs[step] += us;
    totalUs += us;
    samples++;
    if (step === 'other') {
      const label = frameLabel(byId.get(id)!.callFrame);
      unmatched.set(label, (unmatched.get(label) ?? 0) + us);
    }
  });
  return {
    stepUs,
    totalUs,
    samples,
    unmatched: [...unmatched]
      .sort((a, b) => b[1] - a[1])
      .slice(0, unmatchedToKeep)
      .map(([frame, us]) => ({ frame, us })),
  };
}

/** The step of a stack (leaf first): its innermost frame that a rule matches decides. */
function resolveStep(stack: readonly ProfileCallFrame[]): StepId | 'profiler' {
  for (let index = 0; index < stack.length; index++) {
    const rule = FRAME_RULES.find((candidate) => matches(candidate, stack[index]!));
    if (!rule) continue;
    if (rule.step !== 'validation') return rule.step;
    // Which side: the nearest frame, from this one up, that only one side has.
    for (const frame of stack.slice(index)) {
      const side = VALIDATION_SIDES.find((candidate) => matches(candidate, frame));
      if (side) return side.step;
    }
    return 'other';
  }
  return 'other';
}

function matches(rule: FrameRule<unknown>, frame: ProfileCallFrame): boolean {
  const url = frame.url.replace(/\\/g, '/');
  return (
    (rule.file === undefined || rule.file.test(url)) &&
    (rule.functions === undefined || rule.functions.test(frame.functionName))
  );
}
