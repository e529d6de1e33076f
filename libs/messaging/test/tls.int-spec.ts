import { randomUUID } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { commonVariables, loadConfig } from '@switchboard/config';
import {
  createTestBroker,
  createTestCertificates,
  freePort,
  waitFor,
  type TestBroker,
  type TestCertificates,
} from '@switchboard/testing';
import type { Kafka } from 'kafkajs';
import { createKafka, kafkaSettingsFromConfig } from '../src';

// The embedded broker speaks plaintext only. A TLS endpoint in front of a listener of its own,
// which advertises that endpoint, is what an SSL listener of Apache Kafka looks like to a client:
// the bootstrap connection and every connection the metadata sends it to are TLS.
interface TlsEndpoint {
  port: number;
  /** Connections whose TLS handshake completed, with whether the client's certificate was verified. */
  handshakes: Array<{ clientCertificateVerified: boolean }>;
  close(): Promise<void>;
}

async function startTlsEndpoint(
  certificates: TestCertificates,
  target: () => number,
  port: number,
): Promise<TlsEndpoint> {
  const handshakes: TlsEndpoint['handshakes'] = [];
  const sockets = new Set<TLSSocket>();
  const server: Server = createServer(
    {
      cert: certificates.server.cert,
      key: certificates.server.key,
      ca: certificates.ca.cert,
      // Mutual TLS: a client without a certificate from the test authority is refused in the handshake.
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket) => {
      handshakes.push({ clientCertificateVerified: socket.authorized });
      sockets.add(socket);
      const upstream = connect(target(), '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      const drop = () => {
        sockets.delete(socket);
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    handshakes,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('Kafka over TLS', () => {
  let certificates: TestCertificates;
  let broker: TestBroker;
  let endpoint: TlsEndpoint;
  const clients: Kafka[] = [];
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    certificates = await createTestCertificates();
    const tlsPort = await freePort();
    const listenerPort = await freePort();
    endpoint = await startTlsEndpoint(certificates, () => listenerPort, tlsPort);
    broker = await createTestBroker({
      listeners: [
        { name: 'tls', port: listenerPort, advertisedHost: '127.0.0.1', advertisedPort: endpoint.port },
      ],
    });
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await broker?.stop();
    await endpoint?.close();
    await certificates?.remove();
  });

  /** The settings a service builds from its environment, pointed at the TLS endpoint. */
  function tlsEnvironment(
    overrides: Record<string, string | undefined> = {},
  ): Record<string, string | undefined> {
    return {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
      KAFKA_BROKERS: `127.0.0.1:${endpoint.port}`,
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: certificates.ca.certFile,
      KAFKA_TLS_CERT_FILE: certificates.client.certFile,
      KAFKA_TLS_KEY_FILE: certificates.client.keyFile,
      // The certificate names localhost; the broker is reached by address.
      KAFKA_TLS_SERVER_NAME: 'localhost',
      ...overrides,
    };
  }

  function kafkaFor(environment: Record<string, string | undefined>): Kafka {
    const config = loadConfig(commonVariables, environment);
    const kafka = createKafka(
      { ...kafkaSettingsFromConfig(config, `tls-test-${randomUUID()}`), retry: { retries: 0 } },
      () => undefined,
    );
    clients.push(kafka);
    return kafka;
  }

  it('produces and consumes through the TLS endpoint with the service’s TLS variables', async () => {
    const kafka = kafkaFor(tlsEnvironment());
    const topic = `tls-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    closers.push(() => producer.disconnect());
    await producer.send({ topic, messages: [{ key: 'k', value: 'over tls' }] });

    const consumer = kafka.consumer({ groupId: `tls-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    closers.push(() => consumer.disconnect());
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(String(message.value));
      },
    });
    await waitFor('the record read over TLS', () => values.length > 0, 20_000);

    expect(values).toEqual(['over tls']);
    expect(endpoint.handshakes.length).toBeGreaterThan(0);
    expect(endpoint.handshakes.every(({ clientCertificateVerified }) => clientCertificateVerified)).toBe(
      true,
    );
  });

  it('refuses a broker whose certificate is not signed by an authority it trusts', async () => {
    const kafka = kafkaFor(tlsEnvironment({ KAFKA_TLS_CA_FILE: certificates.selfSigned.certFile }));
    const admin = kafka.admin();

    await expect(admin.connect()).rejects.toThrow(/self-signed certificate in certificate chain/);
  });

  it('refuses a name the broker certificate does not carry', async () => {
    const kafka = kafkaFor(tlsEnvironment({ KAFKA_TLS_SERVER_NAME: 'kafka.example.com' }));
    const admin = kafka.admin();

    await expect(admin.connect()).rejects.toThrow(/kafka\.example\.com/);
  });

  it('is refused by a mutual-TLS listener when it presents no client certificate', async () => {
    const kafka = kafkaFor(tlsEnvironment({ KAFKA_TLS_CERT_FILE: undefined, KAFKA_TLS_KEY_FILE: undefined }));
    const admin = kafka.admin();
    const handshakesBefore = endpoint.handshakes.length;

    await expect(admin.connect()).rejects.toThrow(/certificate required/);
    expect(endpoint.handshakes.length).toBe(handshakesBefore);
  });
});
