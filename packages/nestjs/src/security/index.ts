export { SECURITY_EVENT_LEVELS } from './audit/security-event';
export type { SecurityEvent, SecurityEventName, SecurityEventLevel } from './audit/security-event';
