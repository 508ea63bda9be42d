import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { MemoryTransport, MessageBus, SmartMessageModule } from '@smart-message/nestjs';
import { SmartMessageHarness, SmartMessageTestingModule } from '@smart-message/testing';
import { LimitsModule } from '../src/common/limits.module';
import { CustomerNotice } from '../src/notifications/messages/customer-notice.message';
import { NotificationsModule } from '../src/notifications/notifications.module';

it('emails a notice from payments at once', async () => {
  const transports = { durable: new MemoryTransport(), broadcast: new MemoryTransport() };
  const messaging = SmartMessageModule.forRoot({ entity: 'notifications', transports, deadLetters: false });
  const app = await Test.createTestingModule({
    imports: [messaging, LimitsModule, NotificationsModule, SmartMessageTestingModule.forRoot()],
  }).compile();
  await app.init();
  const notice = Object.assign(new CustomerNotice(), { orderId: randomUUID(), customerEmail: 'a@b.io', text: 'Paid' });
  const harness = app.get(SmartMessageHarness);
  const session = await harness.run(() => app.get(MessageBus).publish(notice, { from: 'payments' }));
  expect(session.handled.single(CustomerNotice).handlerId).toBe('NotificationsService.emailPaymentNotice');
  await app.close();
});
