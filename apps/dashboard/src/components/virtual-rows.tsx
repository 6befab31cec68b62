import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useRef } from 'react';

/**
 * A scrolling list that renders only the rows in view, so a 5,000-task table costs as much as a
 * 30-row one. Rows have a fixed height (they are single lines), which keeps scrolling exact.
 * Each row is one link whose accessible name carries the whole row; the header is visual.
 */
export function VirtualRows({
  count,
  rowHeight,
  maxHeight,
  renderRow,
  label,
  header,
}: {
  count: number;
  rowHeight: number;
  maxHeight: string;
  renderRow: (index: number) => ReactNode;
  label: string;
  header?: ReactNode;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    initialRect: { width: 1024, height: 720 },
  });
  return (
    <section className="vtable" aria-label={label} data-count={count}>
      {header}
      <div className="vtable-scroll" ref={scrollRef} style={{ maxHeight }}>
        <ul className="vtable-body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => (
            <li
              key={item.key}
              className="vtable-row-wrap"
              style={{ height: rowHeight, transform: `translateY(${item.start}px)` }}
            >
              {renderRow(item.index)}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
