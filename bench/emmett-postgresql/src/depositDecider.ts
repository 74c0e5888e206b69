import { IllegalStateError, type Command, type Decider, type Event } from '@event-driven-io/emmett';

// The account the benchmarks' command round trip works on, written as Emmett's documentation writes a
// decider: events and commands as Emmett types, and pure initialState / evolve / decide functions.

export type AccountOpened = Event<'AccountOpened', Record<string, never>>;
export type Deposited = Event<'Deposited', { amount: number }>;
export type AccountEvent = AccountOpened | Deposited;

export type Deposit = Command<'Deposit', { amount: number }>;

export interface Account {
  readonly opened: boolean;
  readonly balance: number;
}

export const depositDecider: Decider<Account, Deposit, AccountEvent> = {
  initialState: () => ({ opened: false, balance: 0 }),
  evolve: (account, event) => {
    switch (event.type) {
      case 'AccountOpened':
        return { ...account, opened: true };
      case 'Deposited':
        return { ...account, balance: account.balance + event.data.amount };
    }
  },
  decide: (command, account) => {
    if (!account.opened) throw new IllegalStateError('Deposits need an open account');
    return { type: 'Deposited', data: { amount: command.data.amount } };
  },
};
