export { commonVariables, KAFKA_SASL_MECHANISMS, LOG_LEVELS } from './common-variables';
export { serviceVariables } from './common-variables';
export { ConfigError, type ConfigProblem } from './config-error';
export { defineConfig, type ConfigOf, type ConfigSpec, type ConfigVariable } from './config-variable';
export { env } from './env';
export {
  describeConfig,
  loadConfig,
  summarizeConfig,
  type ConfigVariableDescription,
  type Environment,
} from './load-config';
export { HOSTED_SERVICES_VARIABLE, parseHostedServices, type HostedService } from './hosted-services';
