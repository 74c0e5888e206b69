let lastTime = -1;
let timePrefix = '';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then random bits. Ids that grow
 * with time land next to each other in the `event_id` index; random v4 ids would touch a different page
 * of it for every event, and a batch would write many more pages to the WAL.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now !== lastTime) {
    const time = now.toString(16).padStart(12, '0');
    timePrefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    lastTime = now;
  }
  // The random bits of a v4 UUID after its version digit: 12 random bits, the variant, 62 random bits.
  return timePrefix + crypto.randomUUID().slice(15);
}
