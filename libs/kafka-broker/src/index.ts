export { startBroker, type BrokerListener, type RunningBroker } from './broker';
export { BrokerConfigError, type BrokerListenerOptions, type BrokerOptions } from './broker-options';
export type { FsyncPolicy } from './storage/log-types';
export type { RequestCount } from './server/request-counts';
