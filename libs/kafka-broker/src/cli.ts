// `npm run broker`: the embedded broker as a command, configured by environment variables.
import { BrokerConfigError, startBroker, type BrokerOptions } from './index';

/** Each variable and the option it sets, so that a problem with an option names its variable. */
const VARIABLES = {
  BROKER_DATA_DIR: 'dataDir',
  BROKER_HOST: 'host',
  BROKER_PORT: 'port',
  BROKER_ADVERTISED_HOST: 'advertisedHost',
  BROKER_ADVERTISED_PORT: 'advertisedPort',
  BROKER_FSYNC: 'fsync',
  BROKER_RETENTION_MS: 'retentionMs',
  BROKER_RETENTION_BYTES: 'retentionBytes',
  BROKER_AUTO_CREATE_TOPICS: 'autoCreateTopics',
  BROKER_DEFAULT_PARTITIONS: 'defaultPartitions',
  BROKER_MESSAGE_MAX_BYTES: 'messageMaxBytes',
  BROKER_MESSAGE_TIMESTAMP_BEFORE_MAX_MS: 'messageTimestampBeforeMaxMs',
  BROKER_MESSAGE_TIMESTAMP_AFTER_MAX_MS: 'messageTimestampAfterMaxMs',
} as const satisfies Record<string, keyof BrokerOptions>;
type Variable = keyof typeof VARIABLES;

function readEnvironment(environment: NodeJS.ProcessEnv): BrokerOptions {
  const problems: string[] = [];
  const text = (name: Variable): string | undefined => environment[name] || undefined;
  const integer = (name: Variable): number | undefined => {
    const raw = environment[name];
    if (raw === undefined || raw === '') return undefined;
    if (!/^-?\d+$/.test(raw)) problems.push(`${name} must be an integer, got "${raw}"`);
    return Number(raw);
  };
  const boolean = (name: Variable): boolean | undefined => {
    const raw = environment[name];
    if (raw === undefined || raw === '') return undefined;
    if (raw !== 'true' && raw !== 'false') problems.push(`${name} must be true or false, got "${raw}"`);
    return raw === 'true';
  };
  const options: BrokerOptions = {
    dataDir: text('BROKER_DATA_DIR') ?? '.switchboard/broker',
    host: text('BROKER_HOST'),
    port: integer('BROKER_PORT'),
    advertisedHost: text('BROKER_ADVERTISED_HOST'),
    advertisedPort: integer('BROKER_ADVERTISED_PORT'),
    fsync: text('BROKER_FSYNC') as BrokerOptions['fsync'],
    retentionMs: integer('BROKER_RETENTION_MS'),
    retentionBytes: integer('BROKER_RETENTION_BYTES'),
    autoCreateTopics: boolean('BROKER_AUTO_CREATE_TOPICS'),
    defaultPartitions: integer('BROKER_DEFAULT_PARTITIONS'),
    messageMaxBytes: integer('BROKER_MESSAGE_MAX_BYTES'),
    messageTimestampBeforeMaxMs: integer('BROKER_MESSAGE_TIMESTAMP_BEFORE_MAX_MS'),
    messageTimestampAfterMaxMs: integer('BROKER_MESSAGE_TIMESTAMP_AFTER_MAX_MS'),
  };
  if (problems.length > 0) throw new BrokerConfigError(problems);
  return options;
}

/** The options' own checks (ranges) speak of options; here they speak of the variables set. */
function inVariableTerms(error: BrokerConfigError): BrokerConfigError {
  return new BrokerConfigError(
    error.problems.map((problem) => {
      const entry = Object.entries(VARIABLES).find(([, option]) => problem.startsWith(`${option} `));
      return entry ? `${entry[0]}${problem.slice(entry[1].length)}` : problem;
    }),
  );
}

async function main(): Promise<void> {
  const broker = await startBroker(readEnvironment(process.env)).catch((error: unknown) => {
    throw error instanceof BrokerConfigError ? inVariableTerms(error) : error;
  });
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
