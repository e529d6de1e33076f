import {
  BUILT_IN_MESSAGE_TYPE,
  BUILT_IN_MESSAGE_TYPE_KEY,
  type ChannelName,
  type MessageTypeDefinition,
} from '@switchboard/contracts';

/**
 * The rules of a message type as the router applies them: a parsed definition, or a stored type
 * (whose absent channels and description read as null) both fit.
 */
export type MessageTypeRules = Omit<MessageTypeDefinition, 'defaultChannels' | 'description'> & {
  defaultChannels?: ChannelName[] | null;
  description?: string | null;
};

/** The type a message is decided by. */
export interface EffectiveMessageType {
  key: string;
  definition: MessageTypeRules;
  /** True when no tenant type applies and the built-in one stands in. */
  builtIn: boolean;
}

export interface UnknownMessageType {
  /** The key the message or the tenant's settings named, which no type has. */
  unknown: string;
}

/**
 * The type of a message: the one it names, else the tenant's default type, else the built-in
 * type. A named key that is not defined is reported, not replaced: sending under rules nobody
 * wrote (a marketing message bypassing opt-outs, say) would be worse than not sending.
 */
export function resolveMessageType(
  requested: string | undefined,
  types: ReadonlyMap<string, MessageTypeRules>,
  defaultKey: string | null,
): EffectiveMessageType | UnknownMessageType {
  const key = requested ?? defaultKey ?? BUILT_IN_MESSAGE_TYPE_KEY;
  const definition = types.get(key);
  if (definition) return { key, definition, builtIn: false };
  if (key === BUILT_IN_MESSAGE_TYPE_KEY) return { key, definition: BUILT_IN_MESSAGE_TYPE, builtIn: true };
  return { unknown: key };
}

export function isUnknownMessageType(
  resolved: EffectiveMessageType | UnknownMessageType,
): resolved is UnknownMessageType {
  return 'unknown' in resolved;
}
