/**
 * An error that already is an HTTP answer: thrown by the adapter for what only HTTP knows (no credentials,
 * a wrong media type, an unacceptable Accept), and usable by an app's `toData` for the same purpose.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    /** The problem type's slug: its `type` becomes `/problems/<slug>`. */
    readonly slug: string,
    /** Safe to show to the client. */
    readonly detail: string,
    readonly options: {
      readonly extensions?: Readonly<Record<string, unknown>>;
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(detail);
  }

  override get name(): string {
    return 'ProblemError';
  }
}
