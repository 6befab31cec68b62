import { type ReactNode, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

export interface View {
  x: number;
  y: number;
  k: number;
}

const MIN_K = 0.05;
const MAX_K = 3;
/** A press that moves further than this is a drag, and the click it ends in does not follow links. */
const DRAG_PX = 5;

const ARROWS: Record<string, 'left' | 'right' | 'up' | 'down'> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
};

const clampK = (k: number) => Math.min(MAX_K, Math.max(MIN_K, k));

/** The view that shows a `width` x `height` drawing whole and centred in a `w` x `h` box. */
export function fitView(width: number, height: number, w: number, h: number): View {
  const k = clampK(Math.min(1, Math.min(w / width, h / height) * 0.96));
  return { k, x: (w - width * k) / 2, y: (h - height * k) / 2 };
}

/** Zooms by `factor` about the point (px, py) of the box, which stays where it is. */
function zoomAbout(v: View, factor: number, px: number, py: number): View {
  const k = clampK(v.k * factor);
  const f = k / v.k;
  return { k, x: px - (px - v.x) * f, y: py - (py - v.y) * f };
}

/**
 * An SVG drawing the reader moves around: it opens fitted to the box, pans by dragging (mouse,
 * pen or one finger), zooms with the wheel or a pinch about the pointer, and from the keyboard
 * (+, -, 0 to fit, arrows to pan when the drawing itself has the focus). A focused link inside is
 * brought into view. `focusKey` changes re-fit (a new drawing).
 */
export function PanZoom({
  width,
  height,
  label,
  children,
  toolbar,
  focusKey,
  onArrow,
}: {
  width: number;
  height: number;
  label: string;
  children: ReactNode;
  toolbar?: ReactNode;
  focusKey: string;
  /** An arrow key on an element inside: move the focus (true when it did). */
  onArrow?: (from: Element, direction: 'left' | 'right' | 'up' | 'down') => boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const viewRef = useRef(view);
  viewRef.current = view;
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const gesture = useRef<{ moved: number; pinch: number | null } | null>(null);
  const suppressClick = useRef(false);

  const size = () => {
    const el = box.current;
    return { w: el?.clientWidth || 800, h: el?.clientHeight || 600 };
  };
  const fit = useCallback(() => {
    const el = box.current;
    setView(fitView(width, height, el?.clientWidth || 800, el?.clientHeight || 600));
  }, [width, height]);

  // A new drawing opens fitted to the box.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-fit only for a new drawing
  useLayoutEffect(() => {
    fit();
  }, [focusKey]);

  // The wheel zooms; the listener must not be passive to keep the page from scrolling instead.
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const r = el.getBoundingClientRect();
      const factor = Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015));
      setView((v) => zoomAbout(v, factor, event.clientX - r.left, event.clientY - r.top));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const local = (event: { clientX: number; clientY: number }) => {
    const r = svg.current!.getBoundingClientRect();
    return { x: event.clientX - r.left, y: event.clientY - r.top };
  };

  const onPointerDown = (event: React.PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return;
    pointers.current.set(event.pointerId, local(event));
    gesture.current ??= { moved: 0, pinch: null };
    if (pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      gesture.current.pinch = Math.hypot(a!.x - b!.x, a!.y - b!.y);
    }
  };

  const onPointerMove = (event: React.PointerEvent<SVGSVGElement>) => {
    const before = pointers.current.get(event.pointerId);
    const g = gesture.current;
    if (!before || !g) return;
    const now = local(event);
    pointers.current.set(event.pointerId, now);
    if (pointers.current.size >= 2 && g.pinch !== null) {
      const [a, b] = [...pointers.current.values()];
      const distance = Math.hypot(a!.x - b!.x, a!.y - b!.y);
      const factor = distance / (g.pinch || distance);
      g.pinch = distance;
      g.moved += DRAG_PX;
      setView((v) => zoomAbout(v, factor, (a!.x + b!.x) / 2, (a!.y + b!.y) / 2));
      return;
    }
    const dx = now.x - before.x;
    const dy = now.y - before.y;
    g.moved += Math.abs(dx) + Math.abs(dy);
    if (g.moved >= DRAG_PX) {
      // Capture only once it is a drag, so a plain click still reaches the link under it.
      if (!svg.current!.hasPointerCapture(event.pointerId))
        svg.current!.setPointerCapture(event.pointerId);
      setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
    }
  };

  const onPointerUp = (event: React.PointerEvent<SVGSVGElement>) => {
    pointers.current.delete(event.pointerId);
    if (pointers.current.size === 0) {
      suppressClick.current = (gesture.current?.moved ?? 0) >= DRAG_PX;
      gesture.current = null;
    } else if (gesture.current) gesture.current.pinch = null;
  };

  const onKeyDown = (event: React.KeyboardEvent<SVGSVGElement>) => {
    const { w, h } = size();
    const step = 60;
    const own = event.target === svg.current;
    const direction = ARROWS[event.key];
    if (!own && direction && onArrow?.(event.target as Element, direction)) {
      event.preventDefault();
      return;
    }
    let next: View | null = null;
    if (event.key === '+' || event.key === '=') next = zoomAbout(view, 1.25, w / 2, h / 2);
    else if (event.key === '-' || event.key === '_') next = zoomAbout(view, 0.8, w / 2, h / 2);
    else if (event.key === '0') next = fitView(width, height, w, h);
    else if (own && event.key === 'ArrowLeft') next = { ...view, x: view.x + step };
    else if (own && event.key === 'ArrowRight') next = { ...view, x: view.x - step };
    else if (own && event.key === 'ArrowUp') next = { ...view, y: view.y + step };
    else if (own && event.key === 'ArrowDown') next = { ...view, y: view.y - step };
    if (next) {
      event.preventDefault();
      setView(next);
    }
  };

  /** Keeps a focused node in view (keyboard users move focus, not the drawing). */
  const onFocus = (event: React.FocusEvent<SVGSVGElement>) => {
    const target = event.target as Element;
    if (target === svg.current || !('getBBox' in target)) return;
    const b = (target as SVGGraphicsElement).getBBox();
    const { w, h } = size();
    const v = viewRef.current;
    const left = v.x + b.x * v.k;
    const top = v.y + b.y * v.k;
    const right = left + b.width * v.k;
    const bottom = top + b.height * v.k;
    if (left >= 0 && top >= 0 && right <= w && bottom <= h) return;
    setView({
      ...v,
      x: v.x + (w / 2 - (left + right) / 2),
      y: v.y + (h / 2 - (top + bottom) / 2),
    });
  };

  const zoomBy = (factor: number) => {
    const { w, h } = size();
    setView((v) => zoomAbout(v, factor, w / 2, h / 2));
  };

  return (
    <div className="panzoom">
      <div className="zoom" role="toolbar" aria-label="Zoom">
        {toolbar}
        <button type="button" className="chip" onClick={() => zoomBy(0.8)} aria-label="Zoom out">
          −
        </button>
        <span className="zoom-level" data-testid="zoom-level" aria-live="polite">
          {Math.round(view.k * 100)}%
        </span>
        <button type="button" className="chip" onClick={() => zoomBy(1.25)} aria-label="Zoom in">
          +
        </button>
        <button type="button" className="chip" onClick={fit} data-testid="zoom-fit">
          Fit
        </button>
      </div>
      {/* A small drawing gets a box its size; a big one a box of most of the screen. */}
      <div
        className="panzoom-box"
        ref={box}
        style={{ height: `min(72vh, ${Math.max(260, Math.ceil(height) + 24)}px)` }}
      >
        <svg
          ref={svg}
          className="graph"
          aria-label={`${label} (drag or use the arrow keys to move, the wheel or + and - to zoom, 0 to fit)`}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the drawing pans and zooms from the keyboard
          tabIndex={0}
          data-testid="graph-svg"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onKeyDown={onKeyDown}
          onFocus={onFocus}
          onClickCapture={(event) => {
            // The click that ends a drag is not a click on what lies under it.
            if (suppressClick.current) {
              event.preventDefault();
              event.stopPropagation();
              suppressClick.current = false;
            }
          }}
        >
          <g
            transform={`translate(${view.x.toFixed(1)},${view.y.toFixed(1)}) scale(${view.k.toFixed(4)})`}
            data-testid="graph-view-transform"
          >
            {children}
          </g>
        </svg>
      </div>
    </div>
  );
}
