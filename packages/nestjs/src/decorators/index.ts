export * from './message.decorator';
export * from './describe.decorator';
export * from './subscribe.decorator';
export * from './inject-transport.decorator';
export * from './publishes.decorator';
