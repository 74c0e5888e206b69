// The API paths the screens ask, with ids encoded.

export const accountPath = (accountId: string, rest = ''): string =>
  `/accounts/${encodeURIComponent(accountId)}${rest}`;

export const summaryPath = (customerId: string): string =>
  `/customers/${encodeURIComponent(customerId)}/summary`;
