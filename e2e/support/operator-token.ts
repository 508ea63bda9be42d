/** The operator token the e2e tests boot the sample app with (`SAMPLE_ADMIN_TOKEN`). */
export const OPERATOR_TOKEN = 'e2e-operator-token-4f1c9a7d';

/** Headers that let a supertest request through `AdminTokenGuard`. */
export const AS_OPERATOR = { Authorization: `Bearer ${OPERATOR_TOKEN}` } as const;
