/** Human wording shared by the failure messages. */

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  if (m < 60) return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
  const h = Math.floor(m / 60);
  const mm = m - h * 60;
  return mm === 0 ? `${h} h` : `${h} h ${mm} min`;
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/** The last `maxLines` non-empty lines of a text, each cut to a readable length. */
export function tailLines(text: string, maxLines: number): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => (l.length > 500 ? `${l.slice(0, 499)}…` : l))
    .filter((l) => l.trim() !== '');
  return lines.slice(-maxLines).join('\n');
}

export function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

export function oneLine(text: string, max = 300): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export function lastNonEmptyLine(text: string): string {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line !== '') return line;
  }
  return '';
}
