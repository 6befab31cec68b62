import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A scrolling list that renders only the rows in view, so a 5,000-task table costs as much as a
 * 30-row one. Rows have a fixed height (they are single lines), which keeps scrolling exact.
 * Each row is one link whose accessible name carries the whole row; the header is visual.
 * Arrow keys, Page Up/Down, Home and End move the focus from row to row, scrolling as needed.
 */
export function VirtualRows({
  count,
  rowHeight,
  maxHeight,
  renderRow,
  label,
  header,
  contentWidth,
}: {
  count: number;
  rowHeight: number;
  maxHeight: string;
  renderRow: (index: number) => ReactNode;
  label: string;
  header?: ReactNode;
  /** Width of the rows when wider than the list (it then scrolls sideways too), e.g. `250%`. */
  contentWidth?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    initialRect: { width: 1024, height: 720 },
  });

  const focusRow = (index: number) => {
    const box = scrollRef.current;
    if (!box) return;
    virtualizer.scrollToIndex(index, { align: 'auto' });
    const focus = (tries: number) => {
      const row = box.querySelector<HTMLElement>(
        `[data-index="${index}"] a, [data-index="${index}"] [tabindex]`,
      );
      if (row) row.focus({ preventScroll: true });
      else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
    };
    focus(5);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!row) return;
    const index = Number(row.dataset.index);
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / rowHeight) - 1);
    const next =
      event.key === 'ArrowDown'
        ? index + 1
        : event.key === 'ArrowUp'
          ? index - 1
          : event.key === 'PageDown'
            ? index + page
            : event.key === 'PageUp'
              ? index - page
              : event.key === 'Home'
                ? 0
                : event.key === 'End'
                  ? count - 1
                  : null;
    if (next === null) return;
    event.preventDefault();
    focusRow(Math.max(0, Math.min(count - 1, next)));
  };

  // A native listener on the list: the keys act on whichever row link has the focus.
  const keys = useRef(onKeyDown);
  keys.current = onKeyDown;
  useEffect(() => {
    const box = scrollRef.current;
    if (!box) return;
    const listener = (event: KeyboardEvent) => keys.current(event);
    box.addEventListener('keydown', listener);
    return () => box.removeEventListener('keydown', listener);
  }, []);

  return (
    <section className="vtable" aria-label={label} data-count={count}>
      <div className="vtable-scroll" ref={scrollRef} style={{ maxHeight }}>
        <div style={contentWidth ? { width: contentWidth, minWidth: '100%' } : undefined}>
          {header}
          <ul className="vtable-body" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => (
              <li
                key={item.key}
                className="vtable-row-wrap"
                data-index={item.index}
                style={{ height: rowHeight, transform: `translateY(${item.start}px)` }}
              >
                {renderRow(item.index)}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
