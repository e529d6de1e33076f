import { ErrorCode } from '../protocol/error-codes';
import type { BrokerContext } from './broker-context';
import { startResponse, type KafkaRequest, type KafkaResponse } from './request';

export function handleInitProducerId(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const transactionalId = request.body.nullableString();
  request.body.int32(); // transaction timeout
  const response = startResponse(request).int32(0);
  if (transactionalId !== null) {
    // Idempotence is supported; transactions are not (a single-node development broker).
    broker.log(
      `refused InitProducerId for transactional id ${transactionalId} from ${request.clientAddress}`,
    );
    return response.int16(ErrorCode.INVALID_REQUEST).int64(-1).int16(-1);
  }
  return response.int16(ErrorCode.NONE).int64(broker.producerIds.allocate()).int16(0);
}
