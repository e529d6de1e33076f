export interface ConfigProblem {
  variable: string;
  problem: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: ConfigProblem[]) {
    super(
      [
        `invalid configuration, ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}:`,
        ...problems.map(({ variable, problem }) => `  ${variable}: ${problem}`),
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}
