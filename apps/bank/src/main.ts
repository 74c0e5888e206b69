// The bank service's entry point (`npm start`): the one place that reads the environment.
import process from 'node:process';
import { runService } from '@janus/service';
import { bankService } from './service.js';

await runService(bankService, process.env);
