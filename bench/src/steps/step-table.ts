/**
 * The mapping: which profile frames belong to which step of a message's way. Keep it in step
 * with packages/nestjs/src and packages/redis/src: when a function or file is renamed or moved,
 * change the rule here (the section lists what landed in "other", which shows what a rule missed).
 *
 * How it is applied (src/steps/step-attribution.ts): each sample's stack is walked from its leaf
 * up to the root, and the first frame that some rule matches decides the step; the rules are
 * tried in the order below for each frame. So the innermost known frame wins: JSON.parse inside
 * the frame codec's decode counts as decode, and the dispatcher's own code counts as dispatch
 * only for the time not spent in anything it calls that has a step of its own.
 */

/** The steps, in the order the tables show them. */
export type StepId =
  | 'header'
  | 'validatePublish'
  | 'encode'
  | 'transport'
  | 'decode'
  | 'upcast'
  | 'validateReceive'
  | 'filter'
  | 'dispatch'
  | 'handler'
  | 'driver'
  | 'gc'
  | 'idle'
  | 'other';

export interface StepDescription {
  id: StepId;
  label: string;
  /** What the step holds, for the legend under the tables. */
  covers: string;
}

export const STEPS: readonly StepDescription[] = [
  { id: 'header', label: 'header', covers: '`createHeader` (envelope/header-factory.ts): uuid, timestamp, addressing' },
  {
    id: 'validatePublish',
    label: 'validate on publish',
    covers: 'header and payload checks under `seal` (validation/*, class-validator): `headerViolations`, `violations`',
  },
  {
    id: 'encode',
    label: 'encode',
    covers: '`JsonSerializer.encode`; on Redis also the CloudEvents frame codec `encode`',
  },
  {
    id: 'transport',
    label: 'transport',
    covers:
      'transports/memory.transport.ts; packages/redis/src (other than codecs); ioredis, redis-parser, node:net and socket streams',
  },
  { id: 'decode', label: 'decode', covers: '`JsonSerializer.decode`; on Redis also the frame codec `decode`' },
  {
    id: 'upcast',
    label: 'upcast',
    covers: 'packages/nestjs/src/versioning/* and the upcasters (src/steps/order-upcasters.ts), on the upcasting path',
  },
  {
    id: 'validateReceive',
    label: 'validate + instantiate on receive',
    covers:
      '`instantiate` (dispatcher, message-validator, instance-factory), class-validator and class-transformer under it',
  },
  { id: 'filter', label: 'filter', covers: 'routing/* (`SubscriptionFilter.matches`, address matching)' },
  {
    id: 'dispatch',
    label: 'dispatch',
    covers:
      'the rest of packages/nestjs/src: bus, dispatcher, limiter, delivery queue, statistics, observers; ' +
      'AsyncLocalStorage (node:async_hooks) and the microtask queue',
  },
  { id: 'handler', label: 'handler', covers: "the benchmark's handler function (src/steps/order-handler.ts)" },
  {
    id: 'driver',
    label: 'benchmark driver',
    covers: "the benchmark's publish loop, in-flight window and order objects (not the library's time)",
  },
  { id: 'gc', label: 'garbage collector', covers: "V8's `(garbage collector)` node" },
  {
    id: 'idle',
    label: 'idle / program',
    covers: '`(idle)`: waiting (on Redis, the network); `(program)`: native code outside any JS function',
  },
  { id: 'other', label: 'other', covers: 'everything no rule matched (listed below the tables)' },
];

/**
 * Validation code runs on both sides; which side a validation frame is on is decided by the
 * nearest of these on its stack, the frame itself first. Besides `seal` and `instantiate`, the
 * files and functions that only one side calls tell it too, for the few samples whose stack
 * misses a frame (V8 does not record every inlined frame at every instruction).
 */
export const VALIDATION_SIDES: readonly FrameRule<StepId>[] = [
  { step: 'validatePublish', file: /packages\/nestjs\/src\/bus\/publisher\.ts$/, functions: /^seal$/ },
  { step: 'validatePublish', file: /packages\/nestjs\/src\/validation\/header-validator\.ts$/ },
  {
    step: 'validateReceive',
    file: /packages\/nestjs\/src\/(dispatcher\/dispatcher|validation\/message-validator)\.ts$/,
    functions: /^(instantiate|assertValid)$/,
  },
  { step: 'validateReceive', file: /packages\/nestjs\/src\/validation\/instance-factory\.ts$/ },
];

/**
 * `validation`: a validation frame whose side VALIDATION_SIDES decides (no side found: other).
 * `profiler`: the profiler starting and stopping itself; such samples are left out altogether.
 */
export type RuleStep = StepId | 'validation' | 'profiler';

/** A rule: frames whose file (the profile URL) and function name match. A missing test matches all. */
export interface FrameRule<Step = RuleStep> {
  step: Step;
  file?: RegExp;
  functions?: RegExp;
}

/** Our frame codecs: `encode` is encode, every other function there (decode and its helpers) is decode. */
const CODEC_FILES =
  /packages\/(nestjs\/src\/codec\/(json\.serializer|cloud-events-frame\.codec)\.ts|redis\/src\/.*codec[^/]*\.ts)$/;

const NODE_MODULE = (names: string): RegExp => new RegExp(`/node_modules/(${names})/`);

export const FRAME_RULES: readonly FrameRule[] = [
  // `Profiler.start` logs every compiled function first: its first sample stands for that time, not for a message.
  { step: 'profiler', file: /^node:inspector(\/promises)?$/ },

  // V8's own nodes (no file).
  { step: 'gc', file: /^$/, functions: /^\(garbage collector\)$/ },
  { step: 'idle', file: /^$/, functions: /^\((idle|program)\)$/ },

  // The benchmark itself; its upcasters are the library's upcast step, as a user's would be.
  { step: 'upcast', file: /bench\/src\/steps\/order-upcasters\.ts$|packages\/nestjs\/src\/versioning\// },
  { step: 'handler', file: /bench\/src\/steps\/order-handler\.ts$/ },
  { step: 'driver', file: /bench\/src\/(steps\/|redis\/bench-order\.message\.ts$|shared\/bench-order\.ts$)/ },

  // Publish side.
  { step: 'header', file: /packages\/nestjs\/src\/envelope\/header-factory\.ts$/ },
  {
    step: 'validation',
    file: new RegExp(
      `packages/nestjs/src/validation/|${NODE_MODULE('class-validator|class-transformer|validator|libphonenumber-js').source}`,
    ),
  },
  { step: 'encode', file: CODEC_FILES, functions: /^encode$/ },

  // Receive side.
  { step: 'decode', file: CODEC_FILES },
  { step: 'validateReceive', file: /packages\/nestjs\/src\/dispatcher\/dispatcher\.ts$/, functions: /^instantiate$/ },
  { step: 'filter', file: /packages\/nestjs\/src\/routing\// },

  // The delivery queue lives in transports/ but is the bus's bookkeeping, shared by every transport.
  { step: 'dispatch', file: /packages\/nestjs\/src\/transports\/delivery-queue\.ts$/ },
  {
    step: 'transport',
    file: new RegExp(
      'packages/nestjs/src/transports/|packages/redis/src/|' +
        `${NODE_MODULE('ioredis|@ioredis/[^/]+|redis-parser|redis-errors|denque|standard-as-callback|cluster-key-slot').source}|` +
        '^node:(net|internal/net|internal/stream_base_commons|internal/streams/.*|stream)$',
    ),
  },

  // Everything else of the library, and the promise and async-context machinery it runs on.
  {
    step: 'dispatch',
    file: /packages\/nestjs\/src\/|^node:(async_hooks|internal\/async_hooks|internal\/process\/task_queues)$/,
  },
];
