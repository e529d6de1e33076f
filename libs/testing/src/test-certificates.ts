import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificate {
  /** PEM file of the certificate, and the certificate itself. */
  certFile: string;
  cert: string;
  /** PEM file of its private key, and the key itself. */
  keyFile: string;
  key: string;
}

export interface TestCertificates {
  directory: string;
  /** The authority that signed `server` and `client`; trust it to accept them. */
  ca: TestCertificate;
  /** For localhost and 127.0.0.1. */
  server: TestCertificate;
  /** For client authentication (mutual TLS). */
  client: TestCertificate;
  /** Signed by itself for localhost and 127.0.0.1: trusted only by who is given it. */
  selfSigned: TestCertificate;
  remove(): Promise<void>;
}

// Valid for a day: long enough for any run, and nothing to renew because none is committed.
const DAYS = '1';
const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const SERVER_NAMES = 'subjectAltName=DNS:localhost,IP:127.0.0.1';

/** A test authority with a server and a client certificate, and a self-signed one, made with the openssl CLI. */
export async function createTestCertificates(): Promise<TestCertificates> {
  const directory = await mkdtemp(join(tmpdir(), 'switchboard-test-certificates-'));
  const path = (name: string) => join(directory, name);
  try {
    await openssl(
      'req',
      '-x509',
      ...KEY,
      '-days',
      DAYS,
      '-subj',
      '/CN=Switchboard test CA',
      '-keyout',
      path('ca-key.pem'),
      '-out',
      path('ca.pem'),
    );
    await openssl(
      'req',
      '-x509',
      ...KEY,
      '-days',
      DAYS,
      '-subj',
      '/CN=localhost',
      '-addext',
      SERVER_NAMES,
      '-keyout',
      path('self-signed-key.pem'),
      '-out',
      path('self-signed.pem'),
    );
    await issue(directory, 'server', '/CN=localhost', `${SERVER_NAMES}\nextendedKeyUsage=serverAuth\n`);
    await issue(directory, 'client', '/CN=switchboard-test-client', 'extendedKeyUsage=clientAuth\n');
    return {
      directory,
      ca: await readCertificate(directory, 'ca'),
      server: await readCertificate(directory, 'server'),
      client: await readCertificate(directory, 'client'),
      selfSigned: await readCertificate(directory, 'self-signed'),
      remove: () => rm(directory, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

async function issue(directory: string, name: string, subject: string, extensions: string): Promise<void> {
  const path = (file: string) => join(directory, file);
  await writeFile(path(`${name}.ext`), extensions);
  await openssl(
    'req',
    '-new',
    ...KEY,
    '-subj',
    subject,
    '-keyout',
    path(`${name}-key.pem`),
    '-out',
    path(`${name}.csr`),
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    path(`${name}.csr`),
    '-CA',
    path('ca.pem'),
    '-CAkey',
    path('ca-key.pem'),
    '-CAcreateserial',
    '-days',
    DAYS,
    '-extfile',
    path(`${name}.ext`),
    '-out',
    path(`${name}.pem`),
  );
}

async function readCertificate(directory: string, name: string): Promise<TestCertificate> {
  const certFile = join(directory, `${name}.pem`);
  const keyFile = join(directory, `${name}-key.pem`);
  return { certFile, cert: await readFile(certFile, 'utf8'), keyFile, key: await readFile(keyFile, 'utf8') };
}

async function openssl(...args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(
      `openssl ${args[0]} failed (is the openssl CLI installed?): ${stderr.trim() || String(error)}`,
    );
  }
}
