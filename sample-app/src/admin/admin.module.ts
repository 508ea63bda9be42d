import { Global, Module } from '@nestjs/common';
import { AdminAccess, adminAccessFrom } from './admin-access';
import { AdminTokenGuard } from './admin-token.guard';

/**
 * The operator token, read from the environment once at startup, and the guard that checks it.
 * Global, so every controller that serves operator endpoints can use `@UseGuards(AdminTokenGuard)`.
 */
@Global()
@Module({
  providers: [{ provide: AdminAccess, useFactory: () => adminAccessFrom(process.env) }, AdminTokenGuard],
  exports: [AdminAccess, AdminTokenGuard],
})
export class AdminModule {}
