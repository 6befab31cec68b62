import type { CascadeState, TokenUsage } from '../../src/index.js';

export function initialState(n: number): CascadeState;
export function usage(n: number): TokenUsage;
export function onLines(callback: (line: string) => void): void;
