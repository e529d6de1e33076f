import {
  BUILT_IN_MESSAGE_TYPE,
  BUILT_IN_MESSAGE_TYPE_KEY,
  type MessageTypeDefinition,
  type MessageTypeView,
} from '@switchboard/contracts';

/** A tenant's definition of a kind of message: its category, channels and which sending rules apply. */
export interface MessageType {
  tenantId: string;
  key: string;
  definition: MessageTypeDefinition;
  createdAt: Date;
  updatedAt: Date;
}

/** The router's table of message types. */
export abstract class MessageTypeStore {
  /** Stores the type, or returns undefined when the tenant has one with that key. */
  abstract create(
    tenantId: string,
    key: string,
    definition: MessageTypeDefinition,
  ): Promise<MessageType | undefined>;

  /** Stores the type, replacing the tenant's one with that key if any. */
  abstract put(
    tenantId: string,
    key: string,
    definition: MessageTypeDefinition,
  ): Promise<{ messageType: MessageType; created: boolean }>;

  abstract find(tenantId: string, key: string): Promise<MessageType | undefined>;

  /** Every type of these tenants, in one query. */
  abstract listForTenants(tenantIds: readonly string[]): Promise<MessageType[]>;
}

export function toMessageTypeView(messageType: MessageType): MessageTypeView {
  return {
    ...viewOfDefinition(messageType.key, messageType.definition),
    builtIn: false,
    createdAt: messageType.createdAt.toISOString(),
    updatedAt: messageType.updatedAt.toISOString(),
  };
}

/** The built-in type as a tenant that has not defined its own `default` sees it. */
export function builtInMessageTypeView(): MessageTypeView {
  return {
    ...viewOfDefinition(BUILT_IN_MESSAGE_TYPE_KEY, BUILT_IN_MESSAGE_TYPE),
    builtIn: true,
    createdAt: null,
    updatedAt: null,
  };
}

function viewOfDefinition(
  key: string,
  definition: MessageTypeDefinition,
): Omit<MessageTypeView, 'builtIn' | 'createdAt' | 'updatedAt'> {
  return {
    key,
    category: definition.category,
    defaultChannels: definition.defaultChannels ?? null,
    channelPolicy: definition.channelPolicy,
    defaultPriority: definition.defaultPriority,
    optOutAllowed: definition.optOutAllowed,
    quietHours: definition.quietHours,
    frequencyLimits: definition.frequencyLimits,
    overLimit: definition.overLimit,
    dedupWindowSeconds: definition.dedupWindowSeconds,
    description: definition.description ?? null,
  };
}
