// Who a request without a valid key counts against. One IPv6 client commonly holds a whole /64 (2^64
// addresses), so counting each address alone would never limit it: IPv6 addresses count by their /64
// prefix. An IPv4 address reached over IPv6 (`::ffff:1.2.3.4`) counts as that IPv4 address.
import { isIPv6 } from 'node:net';

/** The bucket of `ip`: an IPv4 address as it is, an IPv6 address as its /64 prefix (`2001:db8:0:1::/64`). */
export function addressBucket(ip: string): string {
  const address = ip.split('%')[0] ?? ip; // without an IPv6 zone (`fe80::1%eth0`)
  if (!isIPv6(address)) return ip.toLowerCase();
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 as two groups). */
function ipv6Groups(address: string): number[] {
  const parts = (half: string): number[] =>
    half === ''
      ? []
      : half.split(':').flatMap((part) => {
          if (!part.includes('.')) return [Number.parseInt(part, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = '', tail] = address.split('::');
  if (tail === undefined) return parts(head);
  const front = parts(head);
  const back = parts(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}
