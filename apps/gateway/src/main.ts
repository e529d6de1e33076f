import './instrumentation';
import { loadGatewayConfig } from './config';
import { startGateway } from './gateway';

startGateway(loadGatewayConfig()).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
