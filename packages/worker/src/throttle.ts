/** Calls `fn` at most once per `ms`, always with a trailing call so the last state is reported. */
export interface Throttled {
  call(): void;
  /** Runs a pending call now. */
  flush(): void;
  cancel(): void;
}

export function throttle(fn: () => void, ms: number): Throttled {
  let last = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;
  let pending = false;
  const run = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = false;
    last = Date.now();
    fn();
  };
  return {
    call() {
      pending = true;
      if (timer) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) run();
      else timer = setTimeout(run, wait);
    },
    flush() {
      if (pending) run();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = false;
    },
  };
}
