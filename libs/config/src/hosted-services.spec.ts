import { HOSTED_SERVICES_VARIABLE, parseHostedServices } from './hosted-services';

describe('parseHostedServices', () => {
  it('reads the services and their environments', () => {
    const text = JSON.stringify([{ name: 'sender-email', env: { PORT: '3104', LOG_LEVEL: 'warn' } }]);
    expect(parseHostedServices(text)).toEqual([
      { name: 'sender-email', env: { PORT: '3104', LOG_LEVEL: 'warn' } },
    ]);
  });

  it.each([
    [undefined, `${HOSTED_SERVICES_VARIABLE} is required`],
    ['{not json', `${HOSTED_SERVICES_VARIABLE} is not JSON`],
    ['[]', 'must be a non-empty JSON list'],
    [JSON.stringify({ name: 'router', env: {} }), 'must be a non-empty JSON list'],
    [JSON.stringify([{ name: '../../etc', env: {} }]), `${HOSTED_SERVICES_VARIABLE}[0].name`],
    [JSON.stringify([{ name: 'router\u0000', env: {} }]), `${HOSTED_SERVICES_VARIABLE}[0].name`],
    [JSON.stringify([{ name: 'router', env: { PORT: 3102 } }]), `${HOSTED_SERVICES_VARIABLE}[0].env`],
    [JSON.stringify([{ name: 'router', env: {} }, null]), `${HOSTED_SERVICES_VARIABLE}[1].name`],
  ])('refuses %s, naming the entry and the problem', (text, problem) => {
    expect(() => parseHostedServices(text)).toThrow(problem);
  });
});
