/** The machine's shared server; tests only create and delete streams of their own prefix. */
export const TEST_NATS_URL = 'nats://127.0.0.1:4222';
