export { withDeadline } from './deadline';
export { DependencyUnavailableError, isInfrastructureFault } from './infrastructure-fault';
