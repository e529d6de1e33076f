import { QueryFailedError } from 'typeorm';
import { isUniqueViolation } from './unique-violation';

function pgError(code: string): Error {
  return Object.assign(new Error(`pg error ${code}`), { code, severity: 'ERROR' });
}

describe('isUniqueViolation', () => {
  it('recognises a pg unique_violation, bare, wrapped by TypeORM, or as the cause of another error', () => {
    const fromPg = pgError('23505');

    expect(isUniqueViolation(fromPg)).toBe(true);
    expect(isUniqueViolation(new QueryFailedError('INSERT ...', [], fromPg))).toBe(true);
    expect(isUniqueViolation(new Error('saving failed', { cause: fromPg }))).toBe(true);
  });

  it('rejects other SQL states, system error codes and things that are not errors', () => {
    expect(isUniqueViolation(pgError('23503'))).toBe(false);
    expect(isUniqueViolation(new QueryFailedError('INSERT ...', [], pgError('23502')))).toBe(false);
    expect(isUniqueViolation(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isUniqueViolation('23505')).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});
