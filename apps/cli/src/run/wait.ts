/** Resolves on the next SIGINT or SIGTERM (for servers that run until Ctrl-C). */
export function waitForSignal(
  signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      for (const s of signals) process.removeListener(s, handler);
      resolve(signal);
    };
    for (const s of signals) process.on(s, handler);
  });
}
