// The public API of @janus/money: the value types domain code shares (amounts of money, safe free text),
// with no transport behind them, so that deciders and events depend on core and this package only.
export {
  MAX_AMOUNT,
  formatMoney,
  groupThousands,
  money,
  parseMoney,
  type MoneyParse,
  type ParseMoneyOptions,
} from './money.js';
export { Balance, Cents, CentsOrZero, MoneyAmount, MoneyAmountOrZero } from './moneySchema.js';
export {
  BIDI_CONTROL_MESSAGE,
  LONE_SURROGATE_MESSAGE,
  SafeText,
  refineSafeJson,
  unsafeStrings,
  unsafeText,
} from './safeText.js';
