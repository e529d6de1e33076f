import { randomUUID } from 'node:crypto';
import { PLATFORM_SERVICES, CHANNEL_SENDER_SERVICES, waitFor } from '@switchboard/testing';
import { startE2ePlatform, type E2ePlatform } from './support/e2e-platform';

// `npm start` runs every service in one Node process (tools/services-host), each still its own Nest
// app with its own port, configuration and Kafka clients; production and the other e2e files run a
// process per service. This file runs the platform the way `npm start` does.
let e2e: E2ePlatform;

beforeAll(async () => {
  e2e = await startE2ePlatform({ oneProcess: true, channels: true });
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
}, 120_000);

const ALL_SERVICES = [...PLATFORM_SERVICES, ...CHANNEL_SENDER_SERVICES].map(({ name }) => name).sort();

interface MessageView {
  status: string;
  timeline: Array<{ type: string; source: string }>;
}

it('serves every service from one process, each ready on its own port', async () => {
  const processes = new Set(Object.values(e2e.platform.services).map((service) => service?.pid));
  expect(processes.size).toBe(1);
  const urls = Object.entries(e2e.platform.urls);
  expect(urls.map(([name]) => name).sort()).toEqual(ALL_SERVICES);
  for (const [, url] of urls) expect((await fetch(`${url}/health/ready`)).status).toBe(200);
});

it('takes an email from the API to the SES emulator, and each service logs under its own name', async () => {
  const address = `one-process-${randomUUID().slice(0, 8)}@example.com`;
  const accepted = await e2e.api.post<{ messageId: string }>('/v1/messages', {
    recipient: { email: address },
    content: { subject: 'Hello', text: 'It works.' },
  });
  expect(accepted.status).toBe(202);

  await waitFor(
    `an email to ${address} at the SES emulator`,
    async () => (await e2e.ses.sentEmails()).find((sent) => sent.to.includes(address)),
    60_000,
  );
  const view = await waitFor(`the status "sent" of ${accepted.body.messageId}`, async () => {
    const answer = await e2e.api.get<MessageView>(`/v1/messages/${accepted.body.messageId}`);
    return answer.status === 200 && answer.body.status === 'sent' && answer.body;
  });
  expect(view.timeline.map(({ source }) => source)).toEqual(['ingest', 'router', 'template', 'sender-email']);

  // Nest keeps one global logger per process; each line still names the service whose work it is.
  const loggingServices = new Set(
    logEntries(e2e.platform.services.gateway.logs).map(({ service }) => service),
  );
  expect([...loggingServices].sort()).toEqual(ALL_SERVICES);
});

it('closes every service on SIGTERM and exits with code 0, each logging its own shutdown', async () => {
  const host = e2e.platform.services.gateway;
  await e2e.platform.stop();
  expect(await host.exited).toBe(0);
  for (const url of Object.values(e2e.platform.urls)) {
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  }

  // Every consumer group is named after its service (router, router.high, router-delivery-feedback).
  const stoppedConsumers = logEntries(host.logs).flatMap(({ service, message }) => {
    const groupId = /^consumer stopped \(groupId=([^)]+)\)/.exec(message ?? '')?.[1];
    return groupId === undefined ? [] : [{ service, groupId }];
  });
  expect([...new Set(stoppedConsumers.map(({ service }) => service))].sort()).toEqual(ALL_SERVICES);
  const underAnotherName = stoppedConsumers.filter(
    ({ service, groupId }) => service === undefined || !groupId.startsWith(service),
  );
  expect(underAnotherName).toEqual([]);
});

interface LogEntry {
  service?: string;
  message?: string;
}

/** The services' JSON log lines; the host's own lines (Node's warnings, say) are not JSON. */
function logEntries(lines: string[]): LogEntry[] {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogEntry];
    } catch {
      return [];
    }
  });
}
