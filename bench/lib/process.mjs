// Running a command for a benchmark: wall time, exit code, output, and the peak RSS (VmHWM) of it
// and of nova's worker host process, sampled every 20 ms. Shared by the suites.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Runs a command to its end; resolves { ms, code, peakKb, stdout, stderr }. Polls VmHWM while it lives. */
export function timed(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    let peakKb = 0;
    let hostPeakKb = 0;
    let hostPid = null;
    const hwm = (pid) => {
      try {
        const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m ? Number(m[1]) : 0;
      } catch {
        return 0;
      }
    };
    const sample = () => {
      peakKb = Math.max(peakKb, hwm(child.pid));
      // nova's worker host (its child running host-process.js) is reported beside it.
      hostPid ??= workerHostOf(child.pid);
      if (hostPid !== null) hostPeakKb = Math.max(hostPeakKb, hwm(hostPid));
    };
    const timer = options.sampleRss ? setInterval(sample, 20) : null;
    child.on('error', reject);
    child.on('exit', () => {
      // The process is a zombie until reaped: /proc/<pid>/status still answers... only without VmHWM.
      if (timer) clearInterval(timer);
    });
    child.on('close', (code) => {
      resolve({ ms: performance.now() - t0, code, peakKb, hostPeakKb, stdout: out, stderr: err });
    });
  });
}

export function workerHostOf(pid) {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('host-process.js'))
        return Number(name);
    } catch {}
  }
  return null;
}
