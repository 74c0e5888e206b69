// Runs the service from the environment until SIGTERM or SIGINT (then shuts down gracefully).
import { runService } from '@janus/service';
import { service } from './service.js';

await runService(service, process.env);
