import { createDataSource, type DatabaseOptions } from './data-source';
import { PersistenceError } from './persistence-error';

class SomeEntity {}

const valid: DatabaseOptions = {
  url: 'postgres://postgres@127.0.0.1:5432/switchboard',
  schema: 'sender_email',
  entities: [SomeEntity],
  migrations: [],
};

describe('createDataSource', () => {
  it('builds a data source for the service schema that never synchronises and keeps its history there', () => {
    const { options } = createDataSource({ ...valid, poolSize: 4 });

    expect(options).toMatchObject({
      type: 'postgres',
      url: valid.url,
      schema: 'sender_email',
      entities: [SomeEntity],
      migrationsTableName: 'migrations',
      synchronize: false,
      migrationsRun: false,
      uuidExtension: 'pgcrypto',
      installExtensions: false,
      poolSize: 4,
    });
  });

  it('defaults the pool to 10 connections', () => {
    expect(createDataSource(valid).options.poolSize).toBe(10);
  });

  it('refuses bad options, naming each field and its problem', () => {
    const build = () =>
      createDataSource({ ...valid, url: 'mysql://db', schema: 'Sender-Email', poolSize: 0 });

    expect(build).toThrow(PersistenceError);
    expect(build).toThrow(/url: must start with postgres:\/\/ or postgresql:\/\/, got mysql:\/\//);
    expect(build).toThrow(/schema: "Sender-Email" must be a lower-case identifier/);
    expect(build).toThrow(/poolSize: must be a positive integer, got 0/);
  });

  it('refuses a url that is not a URL', () => {
    expect(() => createDataSource({ ...valid, url: 'localhost:5432' })).toThrow(
      /url: (is not a URL|must start)/,
    );
  });
});
