// The analytics service's entry point (`npm run start:analytics`): the one place that reads the environment.
import process from 'node:process';
import { runService } from '@janus/service';
import { analyticsService } from './service.js';

await runService(analyticsService, process.env);
