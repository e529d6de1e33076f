import {
  type ChannelName,
  type MessageAccepted,
  type RenderRequested,
  recipientIdentity,
} from '@switchboard/contracts';
import { dedupFingerprint, type EffectiveMessageType, resolveMessageType } from '@switchboard/sending-policy';
import { type ChannelTarget, decideRoute, type RouteDecision } from './decide-route';
import type { BatchDecisions, DecisionRecord } from './decision-store';
import type { PolicyFacts } from './load-policy-facts';
import { BatchLedger, type LedgerQuery, type LedgerState } from './policy-ledger';
import type { UnsubscribeLinkFactory } from './policy-ports';

export interface DecideBatchOptions {
  now: Date;
  /** The messages are deferrals whose time has come. */
  released?: boolean;
  links?: UnsubscribeLinkFactory;
}

/** The recipients and fingerprints whose ledger the batch's rules read, and from when. */
export function ledgerQueryFor(messages: MessageAccepted[], facts: PolicyFacts, now: Date): LedgerQuery {
  const recipients = new Map<string, { tenantId: string; recipient: string }>();
  const claims: LedgerQuery['claims'] = [];
  let longestWindow = 0;
  for (const message of messages) {
    const type = typeOf(message, facts);
    if ('unknown' in type) continue;
    const { settings } = facts.policyOf(message.tenantId);
    const recipient = recipientIdentity(message.recipient);
    const limited = type.definition.frequencyLimits === 'apply' && settings.frequencyLimits.length > 0;
    const fingerprint = fingerprintOf(message, type);
    if (!limited && fingerprint === undefined) continue;
    recipients.set(JSON.stringify([message.tenantId, recipient]), { tenantId: message.tenantId, recipient });
    if (fingerprint !== undefined) claims.push({ tenantId: message.tenantId, recipient, fingerprint });
    if (limited) {
      for (const limit of settings.frequencyLimits)
        longestWindow = Math.max(longestWindow, limit.windowSeconds);
    }
  }
  return {
    recipients: [...recipients.values()],
    claims,
    sendsSince: new Date(now.getTime() - longestWindow * 1000),
  };
}

/** Decides each undecided message of the batch in order, against one ledger shared by the batch. */
export function decideBatch(
  messages: MessageAccepted[],
  facts: PolicyFacts,
  state: LedgerState,
  undecided: ReadonlySet<string>,
  options: DecideBatchOptions,
): BatchDecisions & { routes: Map<string, RouteDecision> } {
  const { now } = options;
  const ledger = new BatchLedger(state);
  const records: DecisionRecord[] = [];
  const deferred: BatchDecisions['deferred'] = [];
  const routes = new Map<string, RouteDecision>();
  for (const message of messages) {
    if (!undecided.has(message.messageId)) continue;
    const type = typeOf(message, facts);
    const { settings } = facts.policyOf(message.tenantId);
    const route = decideRoute({
      message,
      type,
      settings,
      preferences: facts.preferencesOf(message),
      stored: facts.storedOf(message),
      suppressed: facts.suppressedFor(message),
      cancelled: state.cancelled?.has(message.messageId) ?? false,
      ...('unknown' in type ? {} : { fingerprint: fingerprintOf(message, type) }),
      ledger: ledger.forMessage(
        message.tenantId,
        recipientIdentity(message.recipient),
        message.messageId,
        now,
      ),
      released: options.released ?? false,
      now,
    });
    routes.set(message.messageId, route);
    records.push(toRecord(message, type, route, now, options.links));
    if (route.decision === 'deferred') {
      deferred.push({
        tenantId: message.tenantId,
        messageId: message.messageId,
        dueAt: route.dueAt,
        rule: route.rule,
        message,
      });
    }
  }
  return { records, deferred, writes: ledger.writes, routes };
}

function typeOf(message: MessageAccepted, facts: PolicyFacts): EffectiveMessageType | { unknown: string } {
  const { settings, types } = facts.policyOf(message.tenantId);
  return resolveMessageType(message.type, types, settings.defaultMessageType);
}

function fingerprintOf(message: MessageAccepted, type: EffectiveMessageType): string | undefined {
  if (type.definition.dedupWindowSeconds <= 0) return undefined;
  return dedupFingerprint({
    type: type.key,
    content: message.content,
    ...(message.dedupKey === undefined ? {} : { dedupKey: message.dedupKey }),
  });
}

function toRecord(
  message: MessageAccepted,
  type: EffectiveMessageType | { unknown: string },
  route: RouteDecision,
  decidedAt: Date,
  links: UnsubscribeLinkFactory | undefined,
): DecisionRecord {
  const known = 'unknown' in type ? undefined : type;
  const base = {
    tenantId: message.tenantId,
    messageId: message.messageId,
    decision: route.decision,
    decidedAt,
    channelPolicy: message.channelPolicy ?? known?.definition.channelPolicy ?? 'fallback',
    messageType: known?.key ?? (type as { unknown: string }).unknown,
  };
  if (route.decision === 'skipped' || route.decision === 'cancelled') {
    return {
      ...base,
      rule: route.rule,
      ...(route.decision === 'skipped' && route.channel !== undefined ? { channel: route.channel } : {}),
      ...(route.decision === 'skipped' && route.address !== undefined ? { address: route.address } : {}),
      reason: route.reason,
      renderRequests: [],
    };
  }
  const [first] = route.targets;
  const requests = route.targets.map((target) => renderRequest(message, target, known, links));
  if (route.decision === 'deferred') {
    return {
      ...base,
      channel: first.channel,
      address: first.address,
      rule: route.rule,
      reason: route.reason,
      renderRequests: requests,
    };
  }
  return {
    ...base,
    channel: first.channel,
    address: first.address,
    renderRequests: requests,
    ...(route.orderedByPreference ? { orderedByPreference: true } : {}),
  };
}

/** The render request of a chosen channel; acceptedAt carries over so the template version is stable. */
export function renderRequest(
  message: MessageAccepted,
  target: ChannelTarget,
  type?: EffectiveMessageType,
  links?: UnsubscribeLinkFactory,
): RenderRequested {
  const base = {
    tenantId: message.tenantId,
    messageId: message.messageId,
    acceptedAt: message.acceptedAt,
    priority: message.priority ?? type?.definition.defaultPriority ?? 'normal',
    content: message.content,
    ...(message.recipient.id === undefined ? {} : { recipientId: message.recipient.id }),
  };
  const channel: ChannelName = target.channel;
  switch (channel) {
    case 'push':
      return { ...base, channel, address: target.address, pushSubscriptions: target.pushSubscriptions ?? [] };
    case 'email': {
      const listUnsubscribe =
        type?.definition.optOutAllowed && links
          ? links.forEmail({
              tenantId: message.tenantId,
              ...(message.recipient.id === undefined ? {} : { recipientId: message.recipient.id }),
              address: target.address,
              category: type.definition.category,
            })
          : undefined;
      return { ...base, channel, address: target.address, ...(listUnsubscribe ? { listUnsubscribe } : {}) };
    }
    case 'sms':
    case 'inapp':
      return { ...base, channel, address: target.address };
  }
}
