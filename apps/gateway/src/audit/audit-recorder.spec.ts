import { isWorthRecording } from './audit-recorder';

describe('isWorthRecording', () => {
  it('keeps every call of a known actor, refusals included', () => {
    expect(isWorthRecording({ actor: { type: 'api-key', id: 'k-1', role: 'viewer' }, status: 403 })).toBe(
      true,
    );
    expect(isWorthRecording({ actor: { type: 'recipient', id: 'r-1' }, status: 400 })).toBe(true);
    expect(isWorthRecording({ actor: { type: 'operator', id: 'abc' }, status: 200 })).toBe(true);
  });

  it('keeps anonymous changes and failures, and drops anonymous refusals that changed nothing', () => {
    expect(isWorthRecording({ actor: { type: 'anonymous' }, status: 200 })).toBe(true);
    expect(isWorthRecording({ actor: { type: 'anonymous' }, status: 503 })).toBe(true);
    expect(isWorthRecording({ actor: { type: 'anonymous' }, status: 404 })).toBe(false);
    expect(isWorthRecording({ actor: { type: 'anonymous' }, status: 400 })).toBe(false);
  });
});
