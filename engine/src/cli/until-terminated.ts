/**
 * Resolves at the first SIGTERM or SIGINT, then stops listening: the end of a foreground server
 * command (`ocfkit attr serve`, `ocfkit member serve`), which then closes what it opened.
 *
 * @example
 * await untilTerminated();
 * await attrd.close();
 */
export function untilTerminated(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
