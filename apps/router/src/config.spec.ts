import { ConfigError } from '@switchboard/config';
import { loadRouterConfig } from './config';

const required = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard' };

describe('router config: ROUTER_RECURRING_POLL_INTERVAL', () => {
  it('looks for due runs of recurring schedules every second unless told otherwise', () => {
    expect(loadRouterConfig(required).ROUTER_RECURRING_POLL_INTERVAL).toBe(1000);
    expect(
      loadRouterConfig({ ...required, ROUTER_RECURRING_POLL_INTERVAL: '250ms' })
        .ROUTER_RECURRING_POLL_INTERVAL,
    ).toBe(250);
  });

  it('refuses an interval that is not a duration, naming the variable', () => {
    expect(() => loadRouterConfig({ ...required, ROUTER_RECURRING_POLL_INTERVAL: 'often' })).toThrow(
      ConfigError,
    );
    expect(() => loadRouterConfig({ ...required, ROUTER_RECURRING_POLL_INTERVAL: 'often' })).toThrow(
      /ROUTER_RECURRING_POLL_INTERVAL/,
    );
  });
});
