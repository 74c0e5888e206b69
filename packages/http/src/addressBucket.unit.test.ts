import { expect, test } from 'vitest';
import { addressBucket } from './addressBucket.js';

test('IPv6 addresses of one /64 share a bucket; another /64 is another bucket', () => {
  const bucket = addressBucket('2001:db8:0:1::1');
  expect(bucket).toBe('2001:db8:0:1::/64');
  expect(addressBucket('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe(bucket);
  expect(addressBucket('2001:DB8:0:1:1234:5678:9abc:def0')).toBe(bucket);
  expect(addressBucket('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64');
  expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  expect(addressBucket('2001:db8::1.2.3.4')).toBe('2001:db8:0:0::/64');
});

test('an IPv4-mapped IPv6 address counts as the IPv4 address', () => {
  expect(addressBucket('::ffff:1.2.3.4')).toBe('1.2.3.4');
  expect(addressBucket('::FFFF:102:304')).toBe('1.2.3.4');
  expect(addressBucket('0:0:0:0:0:ffff:203.0.113.200')).toBe('203.0.113.200');
  expect(addressBucket('1.2.3.4')).toBe('1.2.3.4');
});
