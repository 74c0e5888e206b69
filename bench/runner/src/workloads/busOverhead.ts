// 8. What a command bus costs per dispatch: Janus's CommandBus (a typed command from its factory, a typed
// handler, no middleware) against @nestjs/cqrs's CommandBus (set up the Nest way: a module with
// CqrsModule.forRoot() and a @CommandHandler provider, in an application context) and a direct call.
// Each dispatch makes its command (Janus's factory fills in its metadata: an id and a timestamp; Nest's is
// `new`) and awaits the handler's answer. A second Janus row sends one message made beforehand: the bus
// alone, without the making of the message.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { command, CommandBus as JanusCommandBus, returns } from '@janus/core';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { z } from 'zod';
import type { Figure, Sample } from '../figure.js';
import { count, summarize, type Workload } from '../workload.js';
import { versionsOf } from '../versions.js';

const Deposit = command(
  'bench.Deposit',
  z.object({ accountId: z.string(), amount: z.number() }),
  returns<number>(),
);

class DepositCommand {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

class DepositHandler implements ICommandHandler<DepositCommand, number> {
  execute(deposit: DepositCommand): Promise<number> {
    return Promise.resolve(deposit.amount);
  }
}
// The decorators, applied as the calls they are (this project compiles without experimentalDecorators).
CommandHandler(DepositCommand)(DepositHandler);
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module: a class its decorator describes
class BenchModule {}
Module({ imports: [CqrsModule.forRoot()], providers: [DepositHandler] })(BenchModule);

interface Contender {
  readonly system: string;
  readonly version: string;
  /** Sets the bus up; answers one dispatch and the teardown. */
  readonly setUp: () => Promise<{ dispatch: (i: number) => Promise<number>; close: () => Promise<void> }>;
}

const contenders: Contender[] = [
  {
    system: 'Janus',
    version: versionsOf('@janus/core'),
    setUp() {
      const bus = new JanusCommandBus().register(Deposit, (deposit) => deposit.data.amount);
      return Promise.resolve({
        dispatch: (i) => bus.send(Deposit({ accountId: 'account', amount: i })),
        close: () => Promise.resolve(),
      });
    },
  },
  {
    system: 'Janus, message made beforehand',
    version: versionsOf('@janus/core'),
    setUp() {
      const bus = new JanusCommandBus().register(Deposit, (deposit) => deposit.data.amount);
      const message = Deposit({ accountId: 'account', amount: 1 });
      return Promise.resolve({
        dispatch: () => bus.send(message),
        close: () => Promise.resolve(),
      });
    },
  },
  {
    system: '@nestjs/cqrs',
    version: versionsOf('@nestjs/cqrs', '@nestjs/core'),
    async setUp() {
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest's documented options
      const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
      const bus = app.get(CommandBus);
      return {
        dispatch: (i) => bus.execute<DepositCommand, number>(new DepositCommand('account', i)),
        close: () => app.close(),
      };
    },
  },
  {
    system: 'direct call',
    version: '',
    setUp() {
      const handler = new DepositHandler();
      return Promise.resolve({
        dispatch: (i) => handler.execute(new DepositCommand('account', i)),
        close: () => Promise.resolve(),
      });
    },
  },
];

export const busOverhead: Workload = {
  id: '8',
  title: 'Command bus dispatch overhead',
  async run(context) {
    const { dispatches, repetitions } = context.sizes;
    const figures: Figure[] = [];
    for (const contender of contenders) {
      const samples: Sample[] = [];
      for (let r = 0; r < repetitions; r++) {
        const { dispatch, close } = await contender.setUp();
        try {
          for (let i = 0; i < Math.min(dispatches, 10_000); i++) await dispatch(i); // warm-up
          const started = performance.now();
          for (let i = 0; i < dispatches; i++) await dispatch(i);
          const ns = ((performance.now() - started) * 1e6) / dispatches;
          samples.push({ value: ns });
        } finally {
          await close();
        }
      }
      const base = { workload: '8', system: contender.system, store: 'memory' as const };
      const figure = summarize(
        base,
        { unit: 'ns/dispatch', higherIsBetter: false },
        contender.version,
        samples,
      );
      figures.push({ ...figure, note: `${count(Math.round(1e9 / (figure.value ?? 0)))} dispatches/s` });
    }
    return [{ id: '8', title: this.title, size: `${count(dispatches)} dispatches, one caller`, figures }];
  },
};
