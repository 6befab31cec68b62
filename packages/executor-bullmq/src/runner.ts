/** A worker process as the queue and the state name it: host name and pid. */
export interface Runner {
  host: string;
  pid: number;
}

/** BullMQ records the taking worker's name on the job: `nova-worker <pid>@<host>`. */
export function workerNameOf(runner: Runner): string {
  return `nova-worker ${runner.pid}@${runner.host}`;
}

export function runnerOfName(name: string | undefined): Runner | null {
  const m = /^nova-worker (\d+)@(.+)$/.exec(name ?? '');
  return m ? { host: m[2]!, pid: Number(m[1]) } : null;
}

export function sameRunner(a: Runner, b: Runner): boolean {
  return a.host === b.host && a.pid === b.pid;
}
