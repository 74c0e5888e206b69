import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { command, event } from '../message.js';
import { toSend, workflow, workflowCommandMetadata } from '../projections/workflow.js';
import { given } from './given.js';
import { GIVEN_TIME } from './recordEvents.js';

const Booked = event('trip.Booked.v1', z.object({ tripId: z.string(), seats: z.number() }));
const SeatHeld = event('trip.SeatHeld.v1', z.object({ tripId: z.string(), seat: z.number() }));
const Noise = event('trip.Noise.v1', z.object({ tripId: z.string() }));
const HoldSeat = command('trip.HoldSeat', z.object({ tripId: z.string(), seat: z.number() }));
const Ticket = command('trip.Ticket', z.object({ tripId: z.string() }));

/** Holds every seat of a booking, and tickets the trip once all are held; ignores trips named 'skip'. */
const booking = workflow({
  name: 'test.booking',
  version: 1,
  handles: [Booked, SeatHeld],
  sends: [HoldSeat, Ticket],
  route: (e) => (e.data.tripId === 'skip' ? undefined : e.data.tripId),
  initialState: () => ({ seats: 0, held: [] as number[] }),
  decide: (e, s) => {
    if (e.type === 'trip.Booked.v1') {
      return Array.from({ length: e.data.seats }, (_, seat) =>
        toSend(HoldSeat, { tripId: e.data.tripId, seat }),
      );
    }
    return s.held.length + 1 === s.seats ? [toSend(Ticket, { tripId: e.data.tripId })] : [];
  },
  evolve: (s, e) =>
    e.type === 'trip.Booked.v1' ? { ...s, seats: e.data.seats } : { ...s, held: [...s.held, e.data.seat] },
});

describe('given(workflow, events)', () => {
  test('thenSends passes on exactly the commands sent, in order, and fails on others showing both', () => {
    given(booking, [Booked({ tripId: 'a', seats: 2 })]).thenSends([
      HoldSeat({ tripId: 'a', seat: 0 }),
      HoldSeat({ tripId: 'a', seat: 1 }),
    ]);
    expect(() => {
      given(booking, [Booked({ tripId: 'a', seats: 2 })]).thenSends([HoldSeat({ tripId: 'a', seat: 0 })]);
    }).toThrow(
      `expected commands [{"data":{"seat":0,"tripId":"a"},"type":"trip.HoldSeat"}]\n` +
        `     but got [{"data":{"seat":0,"tripId":"a"},"type":"trip.HoldSeat"},{"data":{"seat":1,"tripId":"a"},"type":"trip.HoldSeat"}]`,
    );
  });

  test('when: only the commands of the events that follow, decided on the state before them', () => {
    const booked = given(booking, [Booked({ tripId: 'a', seats: 2 }), SeatHeld({ tripId: 'a', seat: 0 })]);
    booked.when(SeatHeld({ tripId: 'a', seat: 1 })).thenSends([Ticket({ tripId: 'a' })]);
    booked.when(Booked({ tripId: 'b', seats: 1 })).thenSends([HoldSeat({ tripId: 'b', seat: 0 })]);
    expect(() => {
      booked.when(SeatHeld({ tripId: 'a', seat: 1 })).thenSends([]);
    }).toThrow(/expected commands \[\]\n {5}but got \[\{"data":\{"tripId":"a"\},"type":"trip.Ticket"\}\]/);
  });

  test('each instance keeps its own state; unrouted and unhandled events change nothing', () => {
    const spec = given(booking, [
      Booked({ tripId: 'a', seats: 2 }),
      Booked({ tripId: 'b', seats: 1 }),
      SeatHeld({ tripId: 'a', seat: 1 }),
      Booked({ tripId: 'skip', seats: 3 }),
      Noise({ tripId: 'a' }),
    ]);
    spec.thenState('a', { seats: 2, held: [1] });
    spec.thenState('b', { held: [], seats: 1 });
    spec.thenState('skip', undefined);
    expect(spec.state('b')).toEqual({ seats: 1, held: [] });
    expect(() => {
      spec.thenState('a', { seats: 2, held: [] });
    }).toThrow(`expected state of 'a' {"held":[],"seats":2}\n     but got {"held":[1],"seats":2}`);
    spec.when(Booked({ tripId: 'skip', seats: 1 })).thenSends([]);
  });

  test('commands carry the runner’s deterministic metadata', () => {
    const event = { ...Booked({ tripId: 'a', seats: 2 }), id: 'evt-1', metadata: { correlationId: 'web-7' } };
    const [first, second] = given(booking, [event]).commands();
    const recorded = {
      ...event,
      streamId: 'given',
      version: 1,
      position: 1n,
      recordedAt: GIVEN_TIME,
    };
    expect(first?.metadata).toEqual(workflowCommandMetadata('test.booking', recorded, 0));
    expect(second?.metadata).toMatchObject({
      messageId: 'test.booking:evt-1:1',
      correlationId: 'web-7',
      causationId: 'evt-1',
    });
  });

  test('its commands are typed: an expectation with wrong data does not compile', () => {
    expect(() => {
      given(booking, [Booked({ tripId: 'a', seats: 1 })]).thenSends([
        // @ts-expect-error -- a seat is a number
        { type: 'trip.HoldSeat', data: { tripId: 'a', seat: '0' } },
      ]);
    }).toThrow(/expected commands/);
  });

  test('a command it does not declare, or whose data its schema refuses, fails the specification', () => {
    const Named = command('trip.Name', z.object({ tripId: z.string().min(1) }));
    const sloppy = workflow({
      name: 'test.sloppy',
      version: 1,
      handles: [Booked],
      sends: [Named],
      route: (e) => e.data.tripId,
      initialState: () => null,
      decide: (e) =>
        e.data.seats === 0
          ? [toSend(Named, { tripId: '' })]
          : [toSend(Ticket, { tripId: e.data.tripId }) as never],
      evolve: (s) => s,
    });
    expect(() => given(sloppy, [Booked({ tripId: 'a', seats: 0 })])).toThrow(
      /workflow 'test.sloppy' sent 'trip.Name' with data its schema refuses: /,
    );
    expect(() => given(sloppy, [Booked({ tripId: 'a', seats: 1 })])).toThrow(
      "workflow 'test.sloppy' sent 'trip.Ticket', which is not in its sends",
    );
  });
});
