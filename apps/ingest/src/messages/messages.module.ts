import { Module } from '@nestjs/common';
import { EventPublisher } from '@switchboard/messaging';
import { MessageEncryption } from '../encryption/message-encryption';
import { AcceptMessages } from './accept-messages.usecase';
import { EncryptPlaintextMessages } from './encrypt-plaintext-messages';
import { MessageStore } from './message-store';
import { MessageRepository } from './message.repository';

@Module({
  providers: [
    MessageEncryption,
    MessageRepository,
    EncryptPlaintextMessages,
    { provide: MessageStore, useExisting: MessageRepository },
    {
      provide: AcceptMessages,
      useFactory: (store: MessageStore, events: EventPublisher) => new AcceptMessages(store, events),
      inject: [MessageStore, EventPublisher],
    },
  ],
  exports: [AcceptMessages],
})
export class MessagesModule {}
