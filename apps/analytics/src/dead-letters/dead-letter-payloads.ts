import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  TopicContracts,
  type DeadLetterView,
  type PersonalData,
  type TopicContract,
} from '@switchboard/contracts';
import { PAYLOAD_CIPHER, type PayloadCipher } from '@switchboard/messaging';

/** The personal fields of a Switchboard topic's payload; none for an upstream or unknown topic. */
function personalDataOf(topic: string): PersonalData<unknown> | undefined {
  const contract = (TopicContracts as Record<string, TopicContract<unknown> | undefined>)[topic];
  return contract?.personalData as PersonalData<unknown> | undefined;
}

/**
 * Dead letters keep their records as written, personal fields sealed. Shown to the tenant they
 * belong to (their dead-letter list, a person's export), those fields are opened, one key lookup
 * per topic of the page. A payload that cannot be opened (its recipient was erased) is shown as
 * it was written. Operators' views are not opened: they see the shape of other tenants' records,
 * not their people.
 */
@Injectable()
export class DeadLetterPayloads {
  constructor(@Optional() @Inject(PAYLOAD_CIPHER) private readonly cipher?: PayloadCipher) {}

  async opened<View extends Pick<DeadLetterView, 'originalTopic' | 'payload'>>(
    views: readonly View[],
  ): Promise<View[]> {
    const result = [...views];
    const cipher = this.cipher;
    if (!cipher) return result;
    const byTopic = new Map<string, number[]>();
    views.forEach((view, index) => {
      if (typeof view.payload !== 'object' || view.payload === null) return;
      const indexes = byTopic.get(view.originalTopic);
      if (indexes) indexes.push(index);
      else byTopic.set(view.originalTopic, [index]);
    });
    for (const [topic, indexes] of byTopic) {
      const personalData = personalDataOf(topic);
      if (!personalData) continue;
      const answers = await cipher.open(
        personalData,
        indexes.map((index) => views[index].payload),
      );
      answers.forEach((answer, position) => {
        const index = indexes[position];
        if (answer.ok) result[index] = { ...views[index], payload: answer.payload };
      });
    }
    return result;
  }
}
