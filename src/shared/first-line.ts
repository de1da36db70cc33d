/** The first line of an error's message, for a one-line reason; never empty. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]?.trim() || (error instanceof Error ? error.name : 'unknown error');
}
