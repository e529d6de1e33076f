import { decodeOtlpTraceJson, normaliseId } from './otlp-json';

describe('normaliseId', () => {
  it('lower-cases hex ids and turns base64 ids into hex', () => {
    expect(normaliseId('5B8EFFF798038103D269B633813FC60C', 16, 'traceId')).toBe(
      '5b8efff798038103d269b633813fc60c',
    );
    expect(normaliseId('W47/95gDgQPSabYzgT/GDA==', 16, 'traceId')).toBe('5b8efff798038103d269b633813fc60c');
    expect(normaliseId('7uGbfsPBsXQ=', 8, 'spanId')).toBe('eee19b7ec3c1b174');
  });

  it('names the field when an id is neither', () => {
    expect(() => normaliseId('not-an-id', 8, 'parentSpanId')).toThrow(
      'parentSpanId must be 16 hex digits or base64 of 8 bytes, got "not-an-id"',
    );
  });
});

describe('decodeOtlpTraceJson', () => {
  it('flattens spans with the service name and plain attribute values', () => {
    const [span] = decodeOtlpTraceJson({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gateway' } }] },
          scopeSpans: [
            {
              scope: { name: 'http' },
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  parentSpanId: '',
                  name: 'GET /health',
                  kind: 2,
                  startTimeUnixNano: 1,
                  endTimeUnixNano: '2',
                  attributes: [
                    { key: 'count', value: { intValue: '7' } },
                    { key: 'ok', value: { boolValue: true } },
                    {
                      key: 'list',
                      value: { arrayValue: { values: [{ stringValue: 'a' }, { doubleValue: 1.5 }] } },
                    },
                    {
                      key: 'map',
                      value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } },
                    },
                  ],
                  status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });

    expect(span).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      name: 'GET /health',
      kind: 2,
      serviceName: 'gateway',
      scopeName: 'http',
      attributes: { count: 7, ok: true, list: ['a', 1.5], map: { k: 'v' } },
      resourceAttributes: { 'service.name': 'gateway' },
      status: { code: 2, message: 'boom' },
      events: [],
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
    });
  });

  it('refuses a body that is not a trace export', () => {
    expect(() => decodeOtlpTraceJson({ resourceMetrics: [] })).toThrow(
      'an OTLP trace export must be an object with a resourceSpans array',
    );
  });
});
