// The bank's money is the money of every Janus service: bigint cents inside, decimal strings at the edge.
export { MAX_AMOUNT, formatMoney, groupThousands, money, parseMoney } from '@janus/http';
export type { MoneyParse, ParseMoneyOptions } from '@janus/http';
