import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { TEST_RABBITMQ_URL } from './test-url';

/**
 * Jest global setup of the RabbitMQ suites: they need a node on 127.0.0.1:5672 (guest/guest).
 * When none answers, `.ci/ensure-rabbitmq` starts the machine's node (`rabbitmq-server
 * -detached`), or fails naming the package to install.
 */
export default async function ensureRabbitMq(): Promise<void> {
  if (await answers()) return;
  try {
    execFileSync('bash', [join(__dirname, '../../../../.ci/ensure-rabbitmq')], { stdio: 'inherit' });
  } catch {
    throw new Error(
      `RabbitMQ does not answer at 127.0.0.1:5672 and could not be started: ` +
        'run `bash .ci/ensure-rabbitmq` (needs `apt-get install rabbitmq-server`).',
    );
  }
  for (let tries = 0; tries < 60; tries++) {
    if (await answers()) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    'RabbitMQ was started but refuses AMQP logins at 127.0.0.1:5672 (guest/guest): see /var/log/rabbitmq',
  );
}

async function answers(): Promise<boolean> {
  try {
    const connection = await connect(TEST_RABBITMQ_URL, { timeout: 3000 });
    connection.on('error', () => undefined);
    await connection.close();
    return true;
  } catch {
    return false;
  }
}
