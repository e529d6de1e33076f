/** The `source` of the delivery events the router publishes. */
export const ROUTER_SOURCE = 'router';
