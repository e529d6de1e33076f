import { getTracer } from '@switchboard/telemetry';

// The messaging lib's spans keep an instrumentation scope of their own: dashboards and trace tests
// select publish and process spans by it. Only the API: the service's telemetry bootstrap decides
// whether spans are recorded and exported.
export const tracer = getTracer('@switchboard/messaging');
