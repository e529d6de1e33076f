import {
  type MessageStatusView,
  MessageStatusView as MessageStatusViewSchema,
  validate,
} from '@switchboard/contracts';
import type { InternalServiceClient } from '../internal-services/internal-service-client';
import { MessageStatusSource } from './message-ports';

/** GET /internal/messages/:tenantId/:messageId on the analytics service. */
export class AnalyticsMessageStatusSource extends MessageStatusSource {
  constructor(private readonly http: InternalServiceClient) {
    super();
  }

  async find(tenantId: string, messageId: string): Promise<MessageStatusView | undefined> {
    const answer = await this.http.request(
      'GET',
      `/internal/messages/${encodeURIComponent(tenantId)}/${encodeURIComponent(messageId)}`,
    );
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw this.http.failed(`answered ${answer.status} to a status lookup`);
    const checked = validate(MessageStatusViewSchema, answer.body);
    if (!checked.ok || checked.value.tenantId !== tenantId) {
      throw this.http.failed('answered a message status that breaks its contract');
    }
    return checked.value;
  }
}
