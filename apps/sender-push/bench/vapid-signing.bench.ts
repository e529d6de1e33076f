// What caching the VAPID token buys: an ES256 signature per push against a map lookup, next to
// the payload encryption every push needs anyway. Run `npm run bench:push-vapid`, or:
//   node -r @swc-node/register apps/sender-push/bench/vapid-signing.bench.ts
import { createECDH, randomBytes } from 'node:crypto';
import { generateRequestDetails, generateVAPIDKeys, type RequestOptions } from 'web-push';
import { signWithWebPush, VapidAuthorizationCache } from '../src/push/vapid-authorization-cache';

const ROUNDS = 7;
const ITERATIONS = 500;
const AUDIENCE = 'https://fcm.googleapis.com';

const keys = { subject: 'mailto:push@example.com', ...generateVAPIDKeys() };
const device = createECDH('prime256v1');
const subscription = {
  endpoint: `${AUDIENCE}/fcm/send/abc`,
  keys: { p256dh: device.generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') },
};
const payload = Buffer.from(JSON.stringify({ title: 'Your order shipped', body: 'It arrives on Tuesday' }));
const withoutVapid = {
  TTL: 3600,
  contentEncoding: 'aes128gcm',
  vapidDetails: null,
} as unknown as RequestOptions;

/** Median time per operation over the rounds, after one warm-up round, in microseconds. */
function measure(operation: () => unknown): number {
  const perOperation: number[] = [];
  for (let round = 0; round <= ROUNDS; round += 1) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < ITERATIONS; index += 1) operation();
    if (round > 0) perOperation.push(Number(process.hrtime.bigint() - started) / ITERATIONS / 1000);
  }
  perOperation.sort((a, b) => a - b);
  return perOperation[Math.floor(perOperation.length / 2)];
}

function main(): void {
  const expiresAt = () => Math.floor(Date.now() / 1000) + 12 * 60 * 60;
  const cache = new VapidAuthorizationCache({ keys });
  const signEachTime = measure(() => signWithWebPush(AUDIENCE, keys, expiresAt()));
  const cached = measure(() => cache.authorizationFor(AUDIENCE));
  const encrypt = measure(() => generateRequestDetails(subscription, payload, withoutVapid));
  const rows = [
    ['sign a VAPID token (every push, uncached)', signEachTime],
    ['cached VAPID token', cached],
    ['encrypt the payload (every push)', encrypt],
    ['prepare a push, signing each time', encrypt + signEachTime],
    ['prepare a push, cached token', encrypt + cached],
  ] as const;
  for (const [name, microseconds] of rows)
    console.log(`${name.padEnd(44)} ${microseconds.toFixed(1).padStart(8)} µs`);
  console.log(
    `signatures made by the cache for ${(ROUNDS + 1) * ITERATIONS} pushes: ${cache.signatures}; ` +
      `a push is prepared ${((encrypt + signEachTime) / (encrypt + cached)).toFixed(1)}x faster with it`,
  );
}

main();
