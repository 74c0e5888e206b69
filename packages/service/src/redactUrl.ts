/** A connection URL fit to print: its password replaced by ***. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unprintable URL)';
  }
}
