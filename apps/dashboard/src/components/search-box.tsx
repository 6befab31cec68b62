import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Model } from '../data/model.js';
import { searchTasks } from '../data/task-query.js';
import { navigate } from '../routing/navigate.js';
import { hrefFor, tasksHref } from '../routing/routes.js';
import { StatusBadge } from './status.js';

const SHOWN = 8;

/**
 * Jump to a task by id or name from anywhere: `/` focuses it, arrows pick, Enter opens, Escape
 * leaves. The last option opens the task table filtered by the same text.
 */
export function SearchBox({ model }: { model: Model | null }) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const matches = useMemo(
    () => (model && text.trim() !== '' ? searchTasks(model, text, SHOWN + 1) : []),
    [model, text],
  );
  const shown = matches.slice(0, SHOWN);
  // Options: the matches, then "all matches in the table".
  const options = text.trim() === '' ? 0 : shown.length + 1;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      if (
        target instanceof Element &&
        target.closest('input, textarea, select, [contenteditable="true"]')
      )
        return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const go = (index: number) => {
    const id = shown[index];
    const href = id !== undefined ? hrefFor({ view: 'task', id }) : tasksHref({ q: text.trim() });
    setOpen(false);
    setText('');
    input.current?.blur();
    navigate(href);
  };

  return (
    <div className="search" data-testid="search">
      <label className="sr-only" htmlFor={`${listId}-input`}>
        Find a task by id or name (shortcut /)
      </label>
      <input
        id={`${listId}-input`}
        ref={input}
        type="search"
        role="combobox"
        autoComplete="off"
        placeholder="Find a task…  /"
        aria-expanded={open && options > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && options > 0 ? `${listId}-${active}` : undefined}
        value={text}
        disabled={model === null}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && options > 0) {
            e.preventDefault();
            setOpen(true);
            setActive((a) => (a + 1) % options);
          } else if (e.key === 'ArrowUp' && options > 0) {
            e.preventDefault();
            setActive((a) => (a - 1 + options) % options);
          } else if (e.key === 'Enter' && options > 0) {
            e.preventDefault();
            go(active);
          } else if (e.key === 'Escape') {
            setOpen(false);
            setText('');
            input.current?.blur();
          }
        }}
      />
      {open && options > 0 && model ? (
        <div className="search-results" id={listId} role="listbox" aria-label="Matching tasks">
          {shown.map((id, i) => (
            <div
              key={id}
              id={`${listId}-${i}`}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              // mousedown, not click: the input's blur would close the list first.
              onMouseDown={(e) => {
                e.preventDefault();
                go(i);
              }}
            >
              <StatusBadge status={model.displayStatus(id)} compact />
              <span className="mono">{id}</span>
              <span className="ellipsis">{model.state.graph.tasks[id]?.name}</span>
            </div>
          ))}
          <div
            id={`${listId}-${shown.length}`}
            role="option"
            tabIndex={-1}
            aria-selected={active === shown.length}
            className={`search-all${active === shown.length ? ' active' : ''}`}
            onMouseDown={(e) => {
              e.preventDefault();
              go(shown.length);
            }}
          >
            {matches.length === 0
              ? 'No task matches — open the task table'
              : `All matches in the task table${matches.length > SHOWN ? ' (more than shown)' : ''}`}
          </div>
        </div>
      ) : null}
    </div>
  );
}
