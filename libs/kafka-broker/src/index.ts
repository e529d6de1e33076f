export { startBroker, type RunningBroker } from './broker';
export { BrokerConfigError, type BrokerOptions } from './broker-options';
export type { FsyncPolicy } from './storage/log-types';
