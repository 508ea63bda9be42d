import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ADMIN_TOKEN_VARIABLE } from '../../sample-app/src/admin/admin-token-variable';
import { AppModule } from '../../sample-app/src/app.module';
import { SampleLimits } from '../../sample-app/src/common/sample-limits';
import { OPERATOR_TOKEN } from './operator-token';

export interface BootOptions {
  /**
   * `SAMPLE_ADMIN_TOKEN` while the app boots (it reads it once, at startup): default
   * `OPERATOR_TOKEN`; `null` boots it with the variable unset.
   */
  adminToken?: string | null;
  /** Smaller in-memory bounds than the sample's defaults, to watch them hold. */
  limits?: SampleLimits;
}

/** The real sample app, initialised but not listening: supertest binds its HTTP server per request. */
export async function bootSampleApp(options: BootOptions = {}): Promise<INestApplication> {
  const adminToken = options.adminToken === undefined ? OPERATOR_TOKEN : options.adminToken;
  const previous = process.env[ADMIN_TOKEN_VARIABLE];
  if (adminToken === null) delete process.env[ADMIN_TOKEN_VARIABLE];
  else process.env[ADMIN_TOKEN_VARIABLE] = adminToken;
  try {
    let builder = Test.createTestingModule({ imports: [AppModule] });
    if (options.limits !== undefined) builder = builder.overrideProvider(SampleLimits).useValue(options.limits);
    const app = (await builder.compile()).createNestApplication();
    await app.init();
    return app;
  } finally {
    if (previous === undefined) delete process.env[ADMIN_TOKEN_VARIABLE];
    else process.env[ADMIN_TOKEN_VARIABLE] = previous;
  }
}
