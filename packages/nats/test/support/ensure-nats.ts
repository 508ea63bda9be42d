import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { TEST_NATS_URL } from './test-url';

/**
 * Jest global setup of the NATS suites: they need a server with JetStream on 127.0.0.1:4222.
 * When none answers, `.ci/ensure-nats` starts one (`nats-server -js`), or fails naming the
 * package to install.
 */
export default async function ensureNats(): Promise<void> {
  if (await answers()) return;
  try {
    execFileSync('bash', [join(__dirname, '../../../../.ci/ensure-nats')], { stdio: 'inherit' });
  } catch {
    throw new Error(
      'NATS does not answer at 127.0.0.1:4222 and could not be started: run `bash .ci/ensure-nats` (needs `apt-get install nats-server`).',
    );
  }
  for (let tries = 0; tries < 40; tries++) {
    if (await answers()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    'nats-server was started but 127.0.0.1:4222 does not answer JetStream requests: is it running with -js?',
  );
}

async function answers(): Promise<boolean> {
  try {
    const nc = await connect({ servers: TEST_NATS_URL.replace('nats://', ''), timeout: 2000, maxReconnectAttempts: 0 });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
}
