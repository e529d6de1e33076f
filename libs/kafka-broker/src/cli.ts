// `npm run broker`: the embedded broker as a command, configured by environment variables.
import { BrokerConfigError, startBroker, type BrokerOptions } from './index';

function readEnvironment(environment: NodeJS.ProcessEnv): BrokerOptions {
  const problems: string[] = [];
  const integer = (name: string): number | undefined => {
    const raw = environment[name];
    if (raw === undefined || raw === '') return undefined;
    if (!/^-?\d+$/.test(raw)) problems.push(`${name} must be an integer, got "${raw}"`);
    return Number(raw);
  };
  const boolean = (name: string): boolean | undefined => {
    const raw = environment[name];
    if (raw === undefined || raw === '') return undefined;
    if (raw !== 'true' && raw !== 'false') problems.push(`${name} must be true or false, got "${raw}"`);
    return raw === 'true';
  };
  const options: BrokerOptions = {
    dataDir: environment.BROKER_DATA_DIR || '.switchboard/broker',
    host: environment.BROKER_HOST || undefined,
    port: integer('BROKER_PORT'),
    advertisedHost: environment.BROKER_ADVERTISED_HOST || undefined,
    advertisedPort: integer('BROKER_ADVERTISED_PORT'),
    fsync: (environment.BROKER_FSYNC || undefined) as BrokerOptions['fsync'],
    retentionMs: integer('BROKER_RETENTION_MS'),
    retentionBytes: integer('BROKER_RETENTION_BYTES'),
    autoCreateTopics: boolean('BROKER_AUTO_CREATE_TOPICS'),
    defaultPartitions: integer('BROKER_DEFAULT_PARTITIONS'),
  };
  if (problems.length > 0) throw new BrokerConfigError(problems);
  return options;
}

async function main(): Promise<void> {
  const broker = await startBroker(readEnvironment(process.env));
  console.log(`Kafka-compatible broker ready at ${broker.address} (try: kcat -b ${broker.address} -L)`);
  const stop = () => {
    broker.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error instanceof BrokerConfigError ? error.message : error);
  process.exit(1);
});
