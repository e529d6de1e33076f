"""Produces to Kafka with kafka-python, a client we did not write (Debian: python3-kafka, with
python3-snappy, python3-lz4 and python3-zstandard for its codecs).

  kafka_python_produce.py BROKERS TOPIC CODEC [--partition N] [--craft unknown-codec|corrupt]
  kafka_python_produce.py --print-batch - - CODEC [--craft unknown-codec|corrupt]

Values are read from stdin, one JSON string per line. Without --craft they go through
KafkaProducer compressing with CODEC (none, gzip, snappy, lz4, zstd). With --craft they are built
into one record batch by hand and sent raw, with a correct CRC: 'unknown-codec' names codec id 5,
which no Kafka release defines; 'corrupt' flips bytes in the compressed records.
With --print-batch the batch (crafted, or as kafka-python builds it) is written to stdout instead,
for a test to send it itself and read the broker's answer.
"""
import argparse
import json
import sys

from kafka import KafkaClient, KafkaProducer
from kafka.protocol.produce import ProduceRequest
from kafka.record.default_records import DefaultRecordBatchBuilder
from kafka.record.util import calc_crc32c

CODECS = {'none': 0, 'gzip': 1, 'snappy': 2, 'lz4': 3, 'zstd': 4}
API_VERSION = (2, 1, 0)  # the first release with zstd; skips kafka-python's version probing


def produce(brokers, topic, codec, partition, values):
    producer = KafkaProducer(
        bootstrap_servers=brokers,
        compression_type=None if codec == 'none' else codec,
        api_version=API_VERSION,
        linger_ms=50,
        acks='all',
    )
    for value in values:
        producer.send(topic, value.encode('utf-8'), partition=partition)
    producer.flush(timeout=30)
    producer.close(timeout=10)


def crafted_batch(codec, values, craft=None):
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=CODECS[codec], is_transactional=False,
        producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=1024 * 1024)
    for index, value in enumerate(values):
        builder.append(index, timestamp=None, key=None, value=value.encode('utf-8'), headers=[])
    batch = bytearray(builder.build())
    if craft is None:
        return bytes(batch)
    if craft == 'unknown-codec':
        attributes = int.from_bytes(batch[21:23], 'big')
        batch[21:23] = ((attributes & ~0x07) | 5).to_bytes(2, 'big')
    elif craft == 'corrupt':
        for position in range(61 + 8, min(len(batch), 61 + 40)):
            batch[position] ^= 0xA5
    else:
        raise SystemExit('unknown --craft ' + craft)
    # CRC-32C covers everything from the attributes to the end, as the broker checks it.
    batch[17:21] = calc_crc32c(bytes(batch[21:])).to_bytes(4, 'big')
    return bytes(batch)


def produce_raw(brokers, topic, partition, batch):
    client = KafkaClient(bootstrap_servers=brokers, api_version=API_VERSION)
    try:
        client.poll(future=client.cluster.request_update())
        node = client.least_loaded_node()
        while not client.ready(node):
            client.poll(timeout_ms=100)
        request = ProduceRequest[3](
            transactional_id=None, required_acks=-1, timeout=30000,
            topics=[(topic, [(partition, batch)])])
        future = client.send(node, request)
        client.poll(future=future)
        if future.failed():
            raise SystemExit('produce failed: %s' % future.exception)
        for _topic, partitions in future.value.topics:
            for result in partitions:
                if result[1] != 0:
                    raise SystemExit('the broker refused the batch with error code %d' % result[1])
    finally:
        client.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('brokers')
    parser.add_argument('topic')
    parser.add_argument('codec', choices=sorted(CODECS))
    parser.add_argument('--partition', type=int, default=0)
    parser.add_argument('--craft', choices=['unknown-codec', 'corrupt'])
    parser.add_argument('--print-batch', action='store_true')
    arguments = parser.parse_args()
    values = [json.loads(line) for line in sys.stdin if line.strip()]
    if arguments.print_batch:
        sys.stdout.buffer.write(crafted_batch(arguments.codec, values, arguments.craft))
    elif arguments.craft:
        batch = crafted_batch(arguments.codec, values, arguments.craft)
        produce_raw(arguments.brokers, arguments.topic, arguments.partition, batch)
    else:
        produce(arguments.brokers, arguments.topic, arguments.codec, arguments.partition, values)


if __name__ == '__main__':
    main()
