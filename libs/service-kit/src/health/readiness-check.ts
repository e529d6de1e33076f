/** Something a service needs before it can do useful work: the broker, the database. */
export interface ReadinessCheck {
  readonly name: string;
  isReady(): Promise<boolean>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
