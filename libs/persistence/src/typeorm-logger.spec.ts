import { Logger } from '@nestjs/common';
import { NestTypeOrmLogger } from './typeorm-logger';

describe('NestTypeOrmLogger', () => {
  let debug: jest.SpyInstance;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('logs queries and failed queries only when asked to, and never their parameters', () => {
    new NestTypeOrmLogger(false).logQuery('SELECT 1');
    new NestTypeOrmLogger(false).logQueryError(new Error('duplicate key'), 'INSERT ...');
    expect(debug).not.toHaveBeenCalled();

    const logger = new NestTypeOrmLogger(true);
    logger.logQuery('SELECT email FROM recipients WHERE email = $1');
    logger.logQueryError(new Error('duplicate key'), 'INSERT INTO recipients VALUES ($1)');

    expect(debug.mock.calls).toEqual([
      ['SELECT email FROM recipients WHERE email = $1'],
      ['query failed (duplicate key): INSERT INTO recipients VALUES ($1)'],
    ]);
  });

  it('always passes on warnings such as a pool error', () => {
    new NestTypeOrmLogger(false).log('warn', 'Postgres pool raised an error');

    expect(warn).toHaveBeenCalledWith('Postgres pool raised an error');
  });
});
