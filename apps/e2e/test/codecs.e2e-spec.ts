import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaPythonProduce, kcatProduce, waitFor, type KafkaPythonCodec } from '@switchboard/testing';
import { DEV_TENANT, startE2ePlatform, UPSTREAM_TOPIC, type E2ePlatform } from './support/e2e-platform';

// The platform's own producers compress with KAFKA_COMPRESSION (what a topic's compression.type
// does on Apache Kafka), and upstream systems publish with whatever codec their client uses.
// Every consumer must read all of them, and a batch nobody can decode must stop nothing. The broker,
// as Apache Kafka, refuses batches that do not decompress or parse, so what a consumer cannot decode
// is a batch in a codec it was set up without (KAFKA_CODECS): in the lz4 run, ingest lacks snappy.

/** The codecs (0 none ... 4 zstd) of the record batches the broker keeps for a topic. */
function storedCodecs(e2e: E2ePlatform, topic: string): Set<number> {
  const codecs = new Set<number>();
  const topicDir = join(e2e.broker.dataDir, 'topics', topic);
  for (const partition of readdirSync(topicDir).filter((name) => /^\d+$/.test(name))) {
    for (const file of readdirSync(join(topicDir, partition)).filter((name) => name.endsWith('.log'))) {
      const bytes = readFileSync(join(topicDir, partition, file));
      for (let at = 0; at + 61 <= bytes.length; at += 12 + bytes.readInt32BE(at + 8)) {
        codecs.add(bytes.readInt16BE(at + 21) & 0x07);
      }
    }
  }
  return codecs;
}

function upstreamEvent(address: string, order: string): string {
  return JSON.stringify({
    type: 'order.shipped',
    tenant: DEV_TENANT,
    recipient: { email: address },
    data: { order },
  });
}

async function emailArrives(e2e: E2ePlatform, address: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    `an email to ${address}`,
    async () => (await e2e.ses.sentEmails()).some((email) => email.to.includes(address)),
    timeoutMs,
  );
}

async function sendOverHttp(e2e: E2ePlatform, address: string): Promise<void> {
  const answer = await e2e.api.post('/v1/messages', {
    recipient: { email: address },
    content: { subject: 'Over HTTP', text: 'Accepted while upstream batches were read.' },
  });
  expect(answer.status).toBe(202);
}

describe.each(['zstd', 'lz4'] as const)('the whole platform producing %s-compressed batches', (codec) => {
  let e2e: E2ePlatform;
  const runId = randomUUID().slice(0, 8);
  const address = (label: string) => `codecs-${codec}-${label}-${runId}@example.com`;

  beforeAll(async () => {
    e2e = await startE2ePlatform({
      env: { KAFKA_COMPRESSION: codec },
      serviceEnv: codec === 'lz4' ? { ingest: { KAFKA_CODECS: 'gzip,lz4,zstd' } } : undefined,
    });
    await e2e.api.post('/v1/templates', {
      key: 'codecs-shipped',
      name: 'Shipped',
      subject: 'Order {{ order }} shipped',
      mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Order {{ order }}</mj-text></mj-column></mj-section></mj-body></mjml>',
    });
    const trigger = await e2e.api.post('/v1/triggers', {
      eventType: 'order.shipped',
      templateKey: 'codecs-shipped',
    });
    expect(trigger.status).toBe(201);
  }, 240_000);

  afterAll(async () => {
    await e2e?.stop();
  }, 120_000);

  it('sends an email over HTTP through every hop, each hop writing compressed batches', async () => {
    await sendOverHttp(e2e, address('http'));
    await emailArrives(e2e, address('http'));
    const id = codec === 'zstd' ? 4 : 3;
    for (const topic of ['sb.messages.requested.v1', 'sb.messages.accepted.v1', 'sb.render.requested.v1']) {
      expect([...storedCodecs(e2e, topic)]).toEqual([id]);
    }
  });

  if (codec === 'zstd') {
    it('turns upstream events that kafka-python wrote in every codec, and kcat with zstd, into emails', async () => {
      const codecs: KafkaPythonCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
      const addresses: string[] = [];
      for (const upstreamCodec of codecs) {
        const values = Array.from({ length: 4 }, (_, index) => {
          const to = address(`python-${upstreamCodec}-${index}`);
          addresses.push(to);
          return upstreamEvent(to, `${upstreamCodec.toUpperCase()}-${index}`);
        });
        await kafkaPythonProduce({
          brokers: e2e.broker.address,
          topic: UPSTREAM_TOPIC,
          codec: upstreamCodec,
          values,
        });
      }
      const viaKcat = address('kcat-zstd');
      addresses.push(viaKcat);
      await kcatProduce({
        brokers: e2e.broker.address,
        topic: UPSTREAM_TOPIC,
        compression: 'zstd',
        value: upstreamEvent(viaKcat, 'KCAT-1'),
      });
      await sendOverHttp(e2e, address('http-during-upstream'));

      for (const to of [...addresses, address('http-during-upstream')]) await emailArrives(e2e, to);
      expect(storedCodecs(e2e, UPSTREAM_TOPIC)).toEqual(new Set([0, 1, 2, 3, 4]));
    });
  }

  if (codec !== 'lz4') return;

  it('parks an upstream batch in a codec ingest is set up without by position, sends what follows on its partition, never delays HTTP, and a restarted ingest goes on past it', async () => {
    // Alike events, so that kafka-python really compresses the batch (it sends a batch
    // uncompressed when that is smaller).
    const unreadable = Array.from({ length: 8 }, (_, index) =>
      upstreamEvent(address(`snappy-${index}`), `S-${index}`),
    );
    await kafkaPythonProduce({
      brokers: e2e.broker.address,
      topic: UPSTREAM_TOPIC,
      codec: 'snappy',
      values: unreadable,
      partition: 0,
    });
    expect(storedCodecs(e2e, UPSTREAM_TOPIC)).toEqual(new Set([2]));
    const after = address('after-broken');
    await kafkaPythonProduce({
      brokers: e2e.broker.address,
      topic: UPSTREAM_TOPIC,
      codec: 'none',
      values: [upstreamEvent(after, 'A-1')],
      partition: 0,
    });
    await sendOverHttp(e2e, address('http-beside-broken'));

    await emailArrives(e2e, address('http-beside-broken'), 15_000);
    await emailArrives(e2e, after);
    const operator = e2e.api.withKey(e2e.platform.operatorApiKey);
    const parked = await waitFor('the broken batch among the dead letters', async () => {
      const page = await operator.get<{
        items: Array<{ originalTopic: string; reason: string; tenantId: string | null }>;
      }>(`/v1/operator/dead-letters?topic=${UPSTREAM_TOPIC}`);
      return page.body.items.find((item) => /cannot decode the record batch/.test(item.reason));
    });
    expect(parked).toMatchObject({ originalTopic: UPSTREAM_TOPIC, tenantId: null });
    expect(parked.reason).toMatch(/compressed with snappy, which this client is set up without/);
    const metrics = await (await fetch(`${e2e.platform.urls.ingest}/metrics/consumers`)).text();
    expect(metrics).toContain(
      `switchboard_batches_skipped_total{service="ingest",group="ingest-upstream",topic="${UPSTREAM_TOPIC}",reason="undecodable"} 1`,
    );
    expect(metrics).toContain('switchboard_consumer_up{service="ingest",group="ingest-upstream"} 1');
    expect(metrics).toContain('switchboard_consumer_up{service="ingest",group="ingest"} 1');

    await e2e.platform.services.ingest.restart();
    const afterRestart = address('after-restart');
    await kafkaPythonProduce({
      brokers: e2e.broker.address,
      topic: UPSTREAM_TOPIC,
      codec: 'zstd',
      values: [upstreamEvent(afterRestart, 'R-1')],
      partition: 0,
    });
    await emailArrives(e2e, afterRestart);
    const letters = await operator.get<{ items: Array<{ reason: string }> }>(
      `/v1/operator/dead-letters?topic=${UPSTREAM_TOPIC}`,
    );
    expect(
      letters.body.items.filter((item) => /cannot decode the record batch/.test(item.reason)),
    ).toHaveLength(1);
  });
});
