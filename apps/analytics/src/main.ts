import './instrumentation';
import { startFromEnvironment } from './start-from-environment';

startFromEnvironment(process.env).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
