import type { DatabaseOptions } from '@switchboard/persistence';
import { ApiKeyEntity } from './auth/api-key.entity';
import { IdempotencyRecordEntity } from './idempotency/idempotency-record.entity';
import { AcceptedMessageEntity } from './messages/accepted-message.entity';
import { CreateGatewayTables1795595736151 } from './migrations/1795595736151-create-gateway-tables';
import { CreateReceivedSnsMessages1795604929284 } from './migrations/1795604929284-create-received-sns-messages';
import { AddApiKeyRolesAndLifecycle1796500000000 } from './migrations/1796500000000-add-api-key-roles-and-lifecycle';
import { CreateRequestLimitBuckets1796608926302 } from './migrations/1796608926302-create-request-limit-buckets';
import { CreateAuditLog1796600000000 } from './migrations/1796600000000-create-audit-log';
import { CreateErasures1796710000000 } from './migrations/1796710000000-create-erasures';
import { KeyIdempotencyRequestHashes1796730000000 } from './migrations/1796730000000-key-idempotency-request-hashes';
import { ReceivedSnsMessageEntity } from './receipts/received-sns-message.entity';

export const GATEWAY_SCHEMA = 'gateway';

/** The gateway's schema, entities and migrations: the app and the operator commands open it alike. */
export function gatewayDatabaseOptions(url: string, poolSize?: number): DatabaseOptions {
  return {
    url,
    schema: GATEWAY_SCHEMA,
    entities: [ApiKeyEntity, IdempotencyRecordEntity, AcceptedMessageEntity, ReceivedSnsMessageEntity],
    migrations: [
      CreateGatewayTables1795595736151,
      CreateReceivedSnsMessages1795604929284,
      AddApiKeyRolesAndLifecycle1796500000000,
      CreateAuditLog1796600000000,
      CreateRequestLimitBuckets1796608926302,
      CreateErasures1796710000000,
      KeyIdempotencyRequestHashes1796730000000,
    ],
    ...(poolSize === undefined ? {} : { poolSize }),
  };
}
