// The shop service's entry point (`npm run start:shop`): the one place that reads the environment.
import process from 'node:process';
import { runService } from '@janus/service';
import { shopService } from './service.js';

await runService(shopService, process.env);
