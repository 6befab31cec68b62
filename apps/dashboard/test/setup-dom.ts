import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// happy-dom does no layout: give elements a laptop-sized box so virtualized lists render rows.
Object.defineProperty(HTMLElement.prototype, 'getBoundingClientRect', {
  configurable: true,
  value() {
    return {
      x: 0,
      y: 0,
      top: 0,
      left: 0,
      right: 1024,
      bottom: 720,
      width: 1024,
      height: 720,
      toJSON() {},
    };
  },
});
for (const [prop, value] of [
  ['offsetWidth', 1024],
  ['offsetHeight', 720],
  ['clientWidth', 1024],
  ['clientHeight', 720],
] as const) {
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => value });
}

afterEach(() => {
  cleanup();
  window.location.hash = '';
});
