import { useEffect, useState } from 'react';

/** The current time, ticking every `ms` while `live` (a running task's duration counts up). */
export function useNow(live: boolean, ms = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    setNow(new Date());
    if (!live) return;
    const timer = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(timer);
  }, [live, ms]);
  return now;
}
