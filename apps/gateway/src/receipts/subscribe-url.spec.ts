import { checkSubscribeUrl } from './subscribe-url';

const TOPIC = 'arn:aws:sns:us-west-2:123456789012:ses-receipts';
const genuine = `https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f37fb687f5d51e6e2425a8a5873`;

describe('checkSubscribeUrl', () => {
  it('accepts the SubscribeURL SNS sends, in China regions too', () => {
    expect(checkSubscribeUrl(genuine)).toEqual({ ok: true, url: genuine });
    const china = 'https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription&Token=abc';
    expect(checkSubscribeUrl(china).ok).toBe(true);
  });

  it.each([
    ['http', genuine.replace('https:', 'http:'), 'must use https'],
    ['another host', 'https://attacker.example/?Action=ConfirmSubscription', 'is not an Amazon SNS host'],
    [
      'a lookalike host',
      'https://sns.us-west-2.amazonaws.com.attacker.example/?Action=ConfirmSubscription',
      'is not an Amazon SNS host',
    ],
    ['a loopback address', 'https://127.0.0.1/?Action=ConfirmSubscription', 'is not an Amazon SNS host'],
    ['user information', genuine.replace('https://', 'https://user@'), 'user information'],
    ['a port', genuine.replace('.com/', '.com:8443/'), 'must not name a port'],
    ['another path', genuine.replace('.com/?', '.com/redirect?'), 'path must be /'],
    [
      'another action',
      'https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe',
      'Action=ConfirmSubscription',
    ],
    ['a fragment', `${genuine}#x`, 'must not carry a fragment'],
    ['an upper-case host', genuine.replace('sns.us-west-2', 'SNS.us-west-2'), 'canonical form'],
    ['no URL', 'not a url', 'is not a URL'],
  ])('refuses %s', (_, url, problem) => {
    const checked = checkSubscribeUrl(url);

    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.problem).toContain(problem);
  });
});
