// `npm start`: the whole platform on embedded defaults. Until the services land, that is the
// embedded Kafka-compatible broker alone; with KAFKA_BROKERS set there is nothing to start yet.
import { startBroker } from '@switchboard/kafka-broker';

async function main(): Promise<void> {
  if (process.env.KAFKA_BROKERS) {
    console.log(`KAFKA_BROKERS is set (${process.env.KAFKA_BROKERS}): the embedded broker is not started.`);
    console.log(
      'The Switchboard services are not part of this build yet, so there is nothing else to start.',
    );
    return;
  }
  const broker = await startBroker({
    dataDir: process.env.BROKER_DATA_DIR || '.switchboard/broker',
    port: Number(process.env.BROKER_PORT || 9092),
  });
  console.log('');
  console.log('Switchboard (embedded defaults)');
  console.log(`  Kafka-compatible broker: ${broker.address}   (try: kcat -b ${broker.address} -L)`);
  console.log(`  Data directory:          ${broker.dataDir}`);
  console.log(
    '  Services (gateway, ingest, router, template, senders, analytics): not built yet; only the broker runs.',
  );
  console.log('Press Ctrl+C to stop.');
  const stop = () => void broker.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
