export * from './quiet-hours';
export * from './frequency-limits';
