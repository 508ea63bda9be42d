import { sqrtSineSum, sqrtSum } from './handler-work';
import { OriginalScenarioId } from './original-figures';
import { ScenarioPayload } from './scenario-message';

/**
 * Whether a handler's work can overlap with other calls of it: CPU work cannot on one JS thread,
 * sleeping can. It decides the handler's concurrency.
 */
export type WorkKind = 'cpu' | 'sleep';

/** One scenario of the original's benchmark, with its handler's work. */
export interface Scenario {
  id: OriginalScenarioId;
  label: string;
  /** The original's message class name, also the routing key here. */
  messageName: string;
  /** The original's message count. */
  messages: number;
  /** What each message carries, as the original's `generate_messages` fills it in. */
  computationCycles?: number;
  sleepDuration?: number;
  kind: WorkKind;
  /** The handler's CPU work, returning its result (0 when there is none). */
  compute(message: ScenarioPayload): number;
  /** Seconds the handler sleeps after computing (0 for none). */
  sleepFor(message: ScenarioPayload): number;
  /** What the handler does, for the results page. */
  work: string;
}

const NO_WORK = (): number => 0;

/** The original's five scenarios, in the order it runs them. Defaults are the original handlers' own. */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'cpu_light',
    label: 'CPU Light',
    messageName: 'CpuLightMessage',
    messages: 1000,
    sleepDuration: 0,
    kind: 'cpu',
    compute: NO_WORK,
    sleepFor: NO_WORK,
    work: 'decode, set `processed_at`',
  },
  {
    id: 'cpu_heavy',
    label: 'CPU Heavy',
    messageName: 'CpuHeavyMessage',
    messages: 500,
    computationCycles: 10_000,
    kind: 'cpu',
    compute: (message) => sqrtSineSum(message.computation_cycles ?? 10_000),
    sleepFor: NO_WORK,
    work: 'decode, `result += sqrt(i) * sin(i)` for i in 0…<10,000',
  },
  {
    id: 'io_light',
    label: 'I/O Light',
    messageName: 'IoLightMessage',
    messages: 800,
    sleepDuration: 0.001,
    kind: 'sleep',
    compute: NO_WORK,
    sleepFor: (message) => message.sleep_duration ?? 0.001,
    work: 'decode, sleep 1 ms',
  },
  {
    id: 'io_heavy',
    label: 'I/O Heavy',
    messageName: 'IoHeavyMessage',
    messages: 200,
    sleepDuration: 0.01,
    kind: 'sleep',
    compute: NO_WORK,
    sleepFor: (message) => message.sleep_duration ?? 0.01,
    work: 'decode, sleep 10 ms',
  },
  {
    id: 'mixed',
    label: 'Mixed Load',
    messageName: 'MixedMessage',
    messages: 600,
    computationCycles: 5000,
    sleepDuration: 0.005,
    kind: 'sleep',
    compute: (message) => sqrtSum(message.computation_cycles ?? 5000),
    sleepFor: (message) => message.sleep_duration ?? 0.005,
    work: 'decode, `result += sqrt(i)` for i in 0…<5,000 (the original has no sine here), then sleep 5 ms',
  },
];

export function findScenario(id: string): Scenario {
  const scenario = SCENARIOS.find((candidate) => candidate.id === id);
  if (!scenario) throw new Error(`unknown scenario ${id}; known: ${SCENARIOS.map((known) => known.id).join(', ')}`);
  return scenario;
}
