/** The machine's shared node; tests only declare and delete names of their own. */
export const TEST_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
