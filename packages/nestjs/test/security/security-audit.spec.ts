import { MessageLogger, SECURITY_LOG_CHANNEL, SecurityEvent } from '@smart-message/nestjs';
import { SecurityAudit } from '../../src/security/audit/security-audit';

const event = (claimedFrom: string): SecurityEvent => ({
  name: 'sm_sig_invalid',
  level: 'critical',
  reason: 'the signature does not match',
  mode: 'enforce',
  claimedFrom,
  verified: false,
});

function recordingLogger(): MessageLogger & {
  lines: { level: string; text: string; fields?: Record<string, unknown> }[];
} {
  const lines: { level: string; text: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (text: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, text, fields });
  return { lines, log: at('log'), warn: at('warn'), error: at('error') };
}

describe('the security audit log', () => {
  it('tells every event to observers but logs at most `lines` per event and sender per interval, then how many it left out', () => {
    const logger = recordingLogger();
    const seen: SecurityEvent[] = [];
    let now = 0;
    const audit = new SecurityAudit(
      logger,
      [{ securityEvent: (e) => void seen.push(e) }],
      { lines: 3, intervalMs: 1000 },
      () => now,
    );

    for (let i = 0; i < 50; i++) audit.emit(event('orders'));
    audit.emit(event('billing'));
    expect(seen).toHaveLength(51);
    expect(logger.lines).toHaveLength(4);
    expect(logger.lines[0]).toMatchObject({
      level: 'error',
      fields: {
        channel: SECURITY_LOG_CHANNEL,
        event: 'sm_sig_invalid',
        securityLevel: 'critical',
        claimedFrom: 'orders',
      },
    });
    // The logger's own `level` stays the only one on the line (pino would otherwise write two).
    expect(logger.lines[0]?.fields).not.toHaveProperty('level');
    expect(logger.lines[0]?.fields).not.toHaveProperty('name');

    now = 1000;
    audit.emit(event('orders'));
    expect(logger.lines.slice(4)).toEqual([
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({ suppressed: 47, claimedFrom: 'orders' }),
      }),
      expect.objectContaining({ level: 'error' }),
    ]);
  });

  it('tracks a bounded number of senders: a flood of invented names shares one window', () => {
    const logger = recordingLogger();
    const audit = new SecurityAudit(logger, [], { lines: 1, intervalMs: 60_000 }, () => 0);
    for (let i = 0; i < 5000; i++) audit.emit(event(`forger-${i}`));
    // 1000 senders get their one line each; the other 4000 share one window and one line.
    expect(logger.lines).toHaveLength(1001);
  });

  it('keeps logging when an observer throws', () => {
    const logger = recordingLogger();
    const audit = new SecurityAudit(logger, [
      {
        securityEvent: () => {
          throw new Error('broken observer');
        },
      },
    ]);
    audit.emit(event('orders'));
    expect(logger.lines).toHaveLength(1);
  });
});
