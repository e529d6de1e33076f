export * from './quiet-hours';
export * from './frequency-limits';
export * from './channel-choice';
export * from './dedup';
export * from './message-type';
