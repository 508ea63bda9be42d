import 'reflect-metadata';
import { bootSampleApp } from './support/boot-sample-app';

// A file of its own: the refused boot never closes, so its metrics stay registered in this
// file's prom-client registry, where no later boot can collide with them.
describe('sample app: the operator token at startup', () => {
  it('refuses to start with a token too short to be a secret, naming the variable and the fix', async () => {
    await expect(bootSampleApp({ adminToken: 'letmein' })).rejects.toThrow(
      'SAMPLE_ADMIN_TOKEN has 7 characters, fewer than 16: set it to a long random secret',
    );
  });
});
