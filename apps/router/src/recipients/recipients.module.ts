import { type DynamicModule, Module } from '@nestjs/common';
import { ENCRYPTION, type Encryption } from '@switchboard/encryption';
import { type AddressLookup, PushEndpointPolicy } from '@switchboard/security';
import { lookup as systemLookup } from 'node:dns/promises';
import { ROUTER_CONFIG, type RouterConfig } from '../config';
import { addressLookupWithTimeout } from './address-lookup-with-timeout';
import { DeleteRecipient } from './delete-recipient.usecase';
import { EncryptPlaintextRecipients } from './encrypt-plaintext-recipients';
import { GetRecipient } from './get-recipient.usecase';
import { ImportRecipients } from './import-recipients.usecase';
import { PatchRecipient } from './patch-recipient.usecase';
import { RecipientRepository } from './recipient.repository';
import { RecipientStore } from './recipient';
import { RecipientEncryption } from './recipient-encryption';
import { RecipientsController } from './recipients.controller';
import { RegisterPushSubscription } from './register-push-subscription.usecase';
import { RemovePushSubscription } from './remove-push-subscription.usecase';
import { UpsertRecipient } from './upsert-recipient.usecase';

export interface RecipientsOptions {
  /** Resolves push endpoint hosts; the system resolver when left out (tests pass their own). */
  pushAddressLookup?: AddressLookup;
}

const resolveAll: AddressLookup = (hostname) => systemLookup(hostname, { all: true, verbatim: true });

@Module({})
export class RecipientsModule {
  // Global so that the delivery feedback consumer can remove gone subscriptions from the same store.
  static forRoot(options: RecipientsOptions = {}): DynamicModule {
    const useCase = <T>(make: (store: RecipientStore) => T) => ({
      useFactory: make,
      inject: [RecipientStore],
    });
    return {
      module: RecipientsModule,
      global: true,
      controllers: [RecipientsController],
      providers: [
        {
          provide: RecipientEncryption,
          useFactory: ({ encryptor, blindIndex, keys }: Encryption) =>
            new RecipientEncryption(encryptor, blindIndex, keys),
          inject: [ENCRYPTION],
        },
        RecipientRepository,
        { provide: RecipientStore, useExisting: RecipientRepository },
        EncryptPlaintextRecipients,
        {
          provide: PushEndpointPolicy,
          useFactory: (config: RouterConfig) =>
            new PushEndpointPolicy({
              lookup: addressLookupWithTimeout(
                options.pushAddressLookup ?? resolveAll,
                config.ROUTER_PUSH_ENDPOINT_LOOKUP_TIMEOUT,
              ),
              sandboxOrigins: config.ROUTER_PUSH_SANDBOX_ORIGINS ?? [],
            }),
          inject: [ROUTER_CONFIG],
        },
        { provide: UpsertRecipient, ...useCase((store) => new UpsertRecipient(store)) },
        { provide: PatchRecipient, ...useCase((store) => new PatchRecipient(store)) },
        { provide: ImportRecipients, ...useCase((store) => new ImportRecipients(store)) },
        { provide: GetRecipient, ...useCase((store) => new GetRecipient(store)) },
        { provide: DeleteRecipient, ...useCase((store) => new DeleteRecipient(store)) },
        { provide: RemovePushSubscription, ...useCase((store) => new RemovePushSubscription(store)) },
        {
          provide: RegisterPushSubscription,
          useFactory: (store: RecipientStore, policy: PushEndpointPolicy) =>
            new RegisterPushSubscription(store, policy),
          inject: [RecipientStore, PushEndpointPolicy],
        },
      ],
      // RecipientEncryption: routing decrypts contact points with it, erasure destroys keys with it.
      exports: [RecipientStore, RecipientEncryption],
    };
  }
}
