// The zod schemas of money, shared by every Janus service.
export { Balance, Cents, CentsOrZero, MoneyAmount, MoneyAmountOrZero } from '@janus/http';
