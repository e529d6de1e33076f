import {
  BUILT_IN_MESSAGE_TYPE,
  BUILT_IN_MESSAGE_TYPE_KEY,
  MessageTypeDefinition,
  type MessageTypeView,
} from '@switchboard/contracts';
import { isUnknownMessageType, type MessageTypeRules, resolveMessageType } from './message-type';

const newsletter = MessageTypeDefinition.parse({ category: 'marketing', defaultChannels: ['email'] });
const passwordReset = MessageTypeDefinition.parse({ category: 'transactional', optOutAllowed: false });
const TYPES = new Map<string, MessageTypeRules>([
  ['newsletter', newsletter],
  ['password-reset', passwordReset],
]);

describe('resolveMessageType', () => {
  it('takes the type the message names', () => {
    expect(resolveMessageType('newsletter', TYPES, 'password-reset')).toEqual({
      key: 'newsletter',
      definition: newsletter,
      builtIn: false,
    });
  });

  it("takes the tenant's default type when the message names none", () => {
    expect(resolveMessageType(undefined, TYPES, 'password-reset')).toEqual({
      key: 'password-reset',
      definition: passwordReset,
      builtIn: false,
    });
  });

  it('falls back to the built-in type when neither the message nor the tenant names one', () => {
    expect(resolveMessageType(undefined, TYPES, null)).toEqual({
      key: BUILT_IN_MESSAGE_TYPE_KEY,
      definition: BUILT_IN_MESSAGE_TYPE,
      builtIn: true,
    });
    expect(resolveMessageType(undefined, new Map(), null)).toMatchObject({ builtIn: true });
  });

  it('answers the built-in type to a message naming its key', () => {
    expect(resolveMessageType(BUILT_IN_MESSAGE_TYPE_KEY, TYPES, 'newsletter')).toMatchObject({
      key: BUILT_IN_MESSAGE_TYPE_KEY,
      builtIn: true,
    });
  });

  it("prefers a tenant's own type under the built-in key", () => {
    const own = MessageTypeDefinition.parse({ category: 'alert' });
    expect(resolveMessageType(undefined, new Map([[BUILT_IN_MESSAGE_TYPE_KEY, own]]), null)).toEqual({
      key: BUILT_IN_MESSAGE_TYPE_KEY,
      definition: own,
      builtIn: false,
    });
  });

  it('reports a type nobody defined instead of sending under other rules', () => {
    const resolved = resolveMessageType('promo', TYPES, 'newsletter');
    expect(resolved).toEqual({ unknown: 'promo' });
    expect(isUnknownMessageType(resolved)).toBe(true);
    expect(resolveMessageType(undefined, TYPES, 'deleted-default')).toEqual({ unknown: 'deleted-default' });
    expect(isUnknownMessageType(resolveMessageType('newsletter', TYPES, null))).toBe(false);
  });

  it('accepts stored types as the management API shows them', () => {
    const view: MessageTypeView = {
      ...newsletter,
      key: 'newsletter',
      defaultChannels: null,
      description: null,
      builtIn: false,
      createdAt: '2026-06-01T12:00:00.000Z',
      updatedAt: null,
    };
    const views: ReadonlyMap<string, MessageTypeView> = new Map([['newsletter', view]]);
    expect(resolveMessageType('newsletter', views, null)).toMatchObject({
      definition: { category: 'marketing' },
    });
  });
});
