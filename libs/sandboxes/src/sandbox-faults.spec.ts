import { z } from 'zod';
import { FaultPlan, FaultSettingsError, faultSettingsShape, type FaultSettings } from './sandbox-faults';

function plan() {
  return new FaultPlan<FaultSettings>(z.strictObject(faultSettingsShape), ['status', 'throttle']);
}

function draws(faults: FaultPlan<FaultSettings>, count: number): boolean[] {
  return Array.from({ length: count }, () => faults.nextCallFails());
}

describe('FaultPlan', () => {
  it('fails nothing until told', () => {
    expect(draws(plan(), 50)).not.toContain(true);
  });

  it('fails every call when a way of failing is given without a rate', () => {
    const faults = plan();
    faults.set({ throttle: true });

    expect(draws(faults, 20)).not.toContain(false);
  });

  it('fails roughly the asked share, and the same calls again for the same seed', () => {
    const faults = plan();
    faults.set({ failureRate: 0.3, seed: 9 });
    const first = draws(faults, 1000);
    faults.set({ failureRate: 0.3, seed: 9 });

    expect(draws(faults, 1000)).toEqual(first);
    const failed = first.filter(Boolean).length;
    expect(failed).toBeGreaterThan(230);
    expect(failed).toBeLessThan(370);
  });

  it('refuses bad settings, naming each field', () => {
    const faults = plan();
    expect(() => faults.set({ failureRate: -1, latencyMs: 1.5, colour: 'red' })).toThrow(FaultSettingsError);
    expect(() => faults.set({ failureRate: -1, status: 404 })).toThrow(
      expect.objectContaining({
        problems: [expect.stringMatching(/^failureRate: /), expect.stringMatching(/^status: /)],
      }),
    );
    expect(() => faults.set({ status: 503, throttle: true })).toThrow(
      'invalid fault settings: status and throttle: choose one way of failing, not 2',
    );
  });
});
