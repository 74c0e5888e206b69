import type { CommandBus, DocumentProjection, QueryBus } from '@janus/core';
import { CloseAccount, Deposit, OpenAccount, Withdraw } from './accounts/accountCommands.js';
import { accountCommandHandlers, type BankCommandDeps } from './accounts/accountHandlers.js';
import {
  GetAccount,
  GetCustomerSummary,
  getAccount,
  getCustomerSummary,
  type BankQueryDeps,
} from './accounts/accountQueries.js';
import { accountsView } from './accounts/accountsView.js';
import { ListFraudAlerts, fraudAlertsView, listFraudAlerts } from './fraud/fraudAlerts.js';
import { ListTransactions, listTransactions } from './history/listTransactions.js';
import { transactionHistory } from './history/transactionHistory.js';
import { GetStatistics, getStatistics } from './statistics/accountStatistics.js';
import { GetStatement, getStatement } from './statements/monthlyStatement.js';
import { Transfer } from './transfers/transferCommands.js';
import { transferHandler } from './transfers/transferHandler.js';

/** Every read model of the bank, for the projection runner (statistics and statements read the history). */
export const bankProjections: readonly DocumentProjection[] = [
  accountsView,
  transactionHistory,
  fraudAlertsView,
];

/** Registers the handler of every bank command on a command bus. */
export function registerBankCommands(bus: CommandBus, deps: BankCommandDeps): CommandBus {
  const accounts = accountCommandHandlers(deps);
  return bus
    .register(OpenAccount, accounts.openAccount)
    .register(Deposit, accounts.deposit)
    .register(Withdraw, accounts.withdraw)
    .register(CloseAccount, accounts.closeAccount)
    .register(Transfer, transferHandler(deps));
}

/** Registers the handler of every bank query on a query bus. A statement's "now" is the query's timestamp. */
export function registerBankQueries(bus: QueryBus, deps: BankQueryDeps): QueryBus {
  return bus
    .register(GetAccount, (q) => getAccount(deps, q.data))
    .register(GetCustomerSummary, (q) => getCustomerSummary(deps, q.data))
    .register(ListTransactions, (q) => listTransactions(deps, q.data))
    .register(GetStatistics, (q) => getStatistics(deps, q.data))
    .register(GetStatement, (q) => getStatement(deps, q.data, q.metadata.timestamp))
    .register(ListFraudAlerts, (q) => listFraudAlerts(deps, q.data));
}
