export { DependencyUnavailableError, isInfrastructureFault } from './infrastructure-fault';
