// The bank's domain: what the HTTP wiring needs, by name. No transport here, and no configuration read:
// fraud limits and stores come in from the edge.

// Accounts: fields, events, commands (and their request bodies), the decider, handlers and queries
export {
  ACCOUNT_STREAM_PREFIX,
  AccountId,
  BANK_STREAM_PREFIXES,
  AccountType,
  Currency,
  CustomerId,
  DEFAULT_CURRENCY,
  Description,
  Instant,
  QueryInstant,
  TransactionId,
  TransferId,
  accountStream,
} from './accounts/fields.js';
export {
  AccountClosed,
  AccountOpened,
  FraudAlertRaised,
  FraudRule,
  MoneyDeposited,
  MoneyWithdrawn,
  OpeningDepositMade,
  ScreenedOperation,
  TransferReceived,
  TransferSent,
  accountEvents,
  type AccountEvent,
} from './accounts/accountEvents.js';
export {
  CloseAccount,
  CloseAccountBody,
  Deposit,
  MovementBody,
  OpenAccount,
  OpenAccountBody,
  ReceiveTransfer,
  SendTransfer,
  Withdraw,
  type AccountCommand,
  type Positioned,
} from './accounts/accountCommands.js';
export { accountDecider, commandTime, type Account, type AccountDecider } from './accounts/account.js';
export { accountCommandHandlers, accountOwner, type BankCommandDeps } from './accounts/accountHandlers.js';
export {
  GetAccount,
  GetCustomerSummary,
  accountAsOf,
  findAccount,
  getAccount,
  getCustomerSummary,
  requireAccount,
  type BankQueryDeps,
  type CustomerSummary,
} from './accounts/accountQueries.js';
export {
  accountsView,
  applyToAccount,
  toAccountView,
  type AccountDocument,
  type AccountView,
} from './accounts/accountsView.js';

// Fraud
export { FraudLimitsConfig, defaultFraudLimits, type FraudLimits } from './fraud/fraudLimits.js';
export { screenOutgoing, type OutgoingActivity } from './fraud/outgoingActivity.js';
export {
  ListFraudAlerts,
  fraudAlertsView,
  listFraudAlerts,
  type FraudAlert,
  type FraudAlertDocument,
} from './fraud/fraudAlerts.js';

// Transfers
export {
  Transfer,
  TransferBody,
  transferLegIds,
  type TransferCommand,
} from './transfers/transferCommands.js';
export {
  decideTransfer,
  transferDecider,
  type TransferLegs,
  type TransferRejection,
} from './transfers/decideTransfer.js';
export { transferHandler } from './transfers/transferHandler.js';

// History, statistics, statements
export {
  accountHistory,
  toTransactionItem,
  transactionHistory,
  type HistoryItem,
  type TransactionItem,
  type TransactionKind,
} from './history/transactionHistory.js';
export {
  ListTransactions,
  decodeCursor,
  encodeCursor,
  listTransactions,
  pageOfTransactions,
  type TransactionPage,
} from './history/listTransactions.js';
export {
  GetStatistics,
  accountStatistics,
  getStatistics,
  type AccountStatistics,
  type CountAndTotal,
  type StatisticsRange,
} from './statistics/accountStatistics.js';
export {
  GetStatement,
  Month,
  getStatement,
  monthRange,
  monthlyStatement,
  type StatementView,
} from './statements/monthlyStatement.js';
export { STATEMENT_CSV_HEADER, statementCsv } from './http/statementCsv.js';
export { statementPdf, type StatementPdfOptions } from './statements/statementPdf.js';

// Everything together
export { bankProjections, registerBankCommands, registerBankQueries } from './bank.js';
