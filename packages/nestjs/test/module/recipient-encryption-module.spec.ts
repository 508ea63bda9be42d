import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import {
  MemoryTransport,
  Message,
  MessageBus,
  SmartMessageModule,
  Subscribe,
  fileRecipientKeyProvider,
  generateRecipientKey,
  x25519Recipient,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'ModuleSealedVoucher', to: 'wallet', serializer: 'json+x25519' })
class ModuleSealedVoucher {
  @IsString() code!: string;
}

@Injectable()
class VoucherListener {
  readonly received: string[] = [];

  @Subscribe()
  onVoucher(voucher: ModuleSealedVoucher): void {
    this.received.push(voucher.code);
  }
}

describe('the x25519 stage configured through SmartMessageModule', () => {
  const folder = mkdtempSync(join(tmpdir(), 'module-recipient-keys-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('forRootAsync: stages: [x25519Recipient({ keys: fileRecipientKeyProvider(path) })], a service sending to itself', async () => {
    const path = join(folder, 'recipient-keys.json');
    const { privateKey, publicKey } = generateRecipientKey('wallet', 'wallet-1');
    writeFileSync(path, JSON.stringify({ recipients: [publicKey], privateKeys: [privateKey] }), { mode: 0o600 });
    const memory = new MemoryTransport({ retain: 5 });
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRootAsync({
          useFactory: () => ({
            entity: 'wallet',
            logger: false,
            transports: { memory },
            stages: [x25519Recipient({ keys: fileRecipientKeyProvider(path) })],
          }),
        }),
      ],
      providers: [VoucherListener],
    }).compile();
    const app: INestApplication = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      await app.get(MessageBus).publish(Object.assign(new ModuleSealedVoucher(), { code: 'voucher-secret' }));
      await waitFor(() => app.get(VoucherListener).received.length === 1, 'the voucher');
      expect(app.get(VoucherListener).received).toEqual(['voucher-secret']);
      const [sent] = memory.published();
      expect(sent!.header.serializer).toBe('json+x25519');
      expect(Buffer.from(sent!.payload as Uint8Array).includes('voucher-secret')).toBe(false);
    } finally {
      await app.close();
    }
  });
});
