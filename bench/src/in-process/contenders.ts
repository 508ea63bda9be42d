import { ContenderDefinition } from './contender';

const PEER_VALIDATION =
  'Validation by hand: validateSync on the order before the publish call, plainToInstance + validateSync in the handler.';

/** The rows of the in-process benchmark, in table order within each validation mode. */
export const IN_PROCESS_CONTENDERS: readonly ContenderDefinition[] = [
  {
    id: 'smart-message',
    family: 'smart-message',
    validation: 'on',
    label: '@smart-message/nestjs MemoryTransport',
    description:
      'SmartMessageModule.forRoot with a MemoryTransport, `MessageBus.publish` to a `@Subscribe` handler. The bus ' +
      'validates the payload (and always the header) on publish, encodes it as JSON into an envelope, delivers it on ' +
      'a later event-loop turn, decodes it, builds and validates an instance, then runs the handler.',
    create: async () => new (await import('./contenders/smart-message.contender')).SmartMessageContender(true),
  },
  ...(['msgpack', 'json+deflate'] as const).map((serializer): ContenderDefinition => ({
    id: `smart-message-${serializer.replace('+', '-')}`,
    family: 'smart-message',
    validation: 'on',
    label: `@smart-message/nestjs MemoryTransport, ${serializer}`,
    description: `The same as \`smart-message\` with the module option \`serializer: '${serializer}'\`.`,
    create: async () =>
      new (await import('./contenders/smart-message.contender')).SmartMessageContender(true, serializer),
  })),
  {
    id: 'event-emitter',
    family: 'event-emitter',
    validation: 'on',
    label: '@nestjs/event-emitter',
    description: `EventEmitterModule.forRoot(), \`EventEmitter2.emit\` to an \`@OnEvent\` listener, the order object handed over as it is. ${PEER_VALIDATION}`,
    create: async () => new (await import('./contenders/event-emitter.contender')).EventEmitterContender(true),
  },
  {
    id: 'cqrs',
    family: 'cqrs',
    validation: 'on',
    label: '@nestjs/cqrs EventBus',
    description: `CqrsModule.forRoot(), \`EventBus.publish\` of the order as the event to an \`@EventsHandler\`, the object handed over as it is. ${PEER_VALIDATION}`,
    create: async () => new (await import('./contenders/cqrs.contender')).CqrsContender(true),
  },
  {
    id: 'floor-validated',
    family: 'floor',
    validation: 'on',
    label: 'floor: node:events + JSON + class-validator',
    description: `A bare node:events EventEmitter, no Nest: JSON.stringify on publish, JSON.parse in the listener. ${PEER_VALIDATION}`,
    create: async () => new (await import('./contenders/floor.contender')).FloorContender(true),
  },
  {
    id: 'smart-message-no-validation',
    family: 'smart-message',
    validation: 'off',
    label: '@smart-message/nestjs MemoryTransport',
    description:
      'The same as `smart-message` with `validateOnPublish: false` and `validateOnReceive: false`: the header is still ' +
      'validated on publish, and the instance is still built from the decoded payload.',
    create: async () => new (await import('./contenders/smart-message.contender')).SmartMessageContender(false),
  },
  {
    id: 'event-emitter-no-validation',
    family: 'event-emitter',
    validation: 'off',
    label: '@nestjs/event-emitter',
    description: 'The same as `event-emitter` without any validation.',
    create: async () => new (await import('./contenders/event-emitter.contender')).EventEmitterContender(false),
  },
  {
    id: 'cqrs-no-validation',
    family: 'cqrs',
    validation: 'off',
    label: '@nestjs/cqrs EventBus',
    description: 'The same as `cqrs` without any validation.',
    create: async () => new (await import('./contenders/cqrs.contender')).CqrsContender(false),
  },
  {
    id: 'floor',
    family: 'floor',
    validation: 'off',
    label: 'floor: node:events + JSON',
    description:
      'A bare node:events EventEmitter, no Nest: JSON.stringify on publish, JSON.parse in the listener, nothing else. ' +
      'The targets are measured against it.',
    create: async () => new (await import('./contenders/floor.contender')).FloorContender(false),
  },
];
