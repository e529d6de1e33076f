import type { PushDispatch } from '@switchboard/contracts';

/**
 * Push services take at most 4096 bytes of encrypted body (RFC 8030 asks them for at least that);
 * aes128gcm adds an 86-byte header (salt, record size, key id), a 16-byte tag and a padding
 * delimiter, which leaves this much for the notification itself.
 */
export const MAX_PUSH_PAYLOAD_BYTES = 4096 - 86 - 16 - 1;

/** What the service worker receives: the notification, and the message id for click tracking. */
export function pushPayload(dispatch: PushDispatch): Buffer {
  const { title, body, url, icon } = dispatch.notification;
  return Buffer.from(
    JSON.stringify({
      messageId: dispatch.messageId,
      title,
      body,
      ...(url === undefined ? {} : { url }),
      ...(icon === undefined ? {} : { icon }),
    }),
    'utf8',
  );
}
