import { replyIntentOf } from './sms-keywords';

describe('replyIntentOf', () => {
  it.each([
    'STOP',
    'stop',
    ' Stop \n',
    'STOPALL',
    'unsubscribe',
    'CANCEL',
    'end',
    'Quit',
    '退订',
    'td',
    'ＳＴＯＰ',
  ])('reads %j as an opt-out', (body) => {
    expect(replyIntentOf(body)).toBe('opt-out');
  });

  it.each(['START', ' start ', 'UNSTOP', 'yes'])('reads %j as an opt-in', (body) => {
    expect(replyIntentOf(body)).toBe('opt-in');
  });

  it.each(['STOP it', 'please stop', 'STOP.', 'thanks', '', 'STARTED', 'no'])(
    'reads %j as nothing',
    (body) => {
      expect(replyIntentOf(body)).toBeUndefined();
    },
  );
});
