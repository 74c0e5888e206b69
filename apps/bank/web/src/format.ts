// How dates and transaction kinds read on screen. Times are shown in UTC, as statements count months.

/** "2026-11-26T09:12:35.123Z" → "2026-11-26 09:12 UTC". */
export const formatInstant = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

const KINDS: Readonly<Record<string, string>> = {
  opening_deposit: 'Opening deposit',
  deposit: 'Deposit',
  withdrawal: 'Withdrawal',
  transfer_in: 'Transfer in',
  transfer_out: 'Transfer out',
};

export const formatKind = (kind: string): string => KINDS[kind] ?? kind;

const TYPES: Readonly<Record<string, string>> = { checking: 'Checking', savings: 'Savings' };

export const formatAccountType = (type: string): string => TYPES[type] ?? type;

/** This month, "2026-11", in UTC. */
export const currentMonth = (): string => new Date().toISOString().slice(0, 7);
